"""The Matrix sheet of an Excel import: cells of the company's quality responsibility matrix.

Each row names a matrix row (an ISO 9001 clause number such as ``7.5``, or the text of a
process or work step row), a department code and a mark. The cells are compared with the
latest version of the company matrix; only when one differs is a draft used, the open draft
or a new version copied from the latest one (``matrix_services.matrix_draft_for_edit``), so
an approved or effective matrix never changes and an unchanged file starts no new version.
Departments that are not yet a column of the matrix (created by the same import, say) are
added as columns of the draft.
"""

from django.utils.translation import gettext as _

from org.models import Department

from . import matrix_services
from .choices import CELL_SYMBOL, DocumentStatus, MatrixKind
from .models import Matrix

#: How a mark may be written in the file, besides its stored value and its labels.
SPELLINGS = {
    "●": "lead",
    "主": "lead",
    "主导": "lead",
    "主责": "lead",
    "○": "assist",
    "〇": "assist",
    "辅": "assist",
    "协助": "assist",
    "配合": "assist",
}


def _accepted_marks():
    from .choices import CellValue
    from .imports import _choice_labels

    accepted = _choice_labels(CellValue)
    accepted.update(SPELLINGS)
    accepted.update({symbol.lower(): value for value, symbol in CELL_SYMBOL.items() if symbol})
    return accepted


class MatrixImport:
    """Checks and applies the Matrix sheet for an ``imports.Importer``."""

    sheet = "Matrix"

    def __init__(self, importer):
        self.importer = importer
        self.rows = importer.rows.get(self.sheet, [])
        self.wanted = {}  # (row key, department code) → (sheet row, value)

    def check(self):
        importer = self.importer
        self.matrix = (
            Matrix.objects.filter(kind=MatrixKind.COMPANY).order_by("-version").select_related("prepared_by").first()
        )
        if self.matrix is None:
            importer.error(
                self.sheet, self.rows[0], "", _("There is no company responsibility matrix yet; create it first.")
            )
            return
        accepted = _accepted_marks()
        allowed = set(self.matrix.allowed_values)
        row_keys = {}
        for row in self.matrix.rows.select_related("clause"):
            row_keys.setdefault(row.key, row)
        self.columns = {
            c.department.code: c for c in self.matrix.columns.select_related("department") if c.department_id
        }
        stored = {(c.row_id, c.column_id): c.value for c in self.matrix.cells.all()}
        for row in self.rows:
            key, code = row.get("row_key"), row.get("department_code")
            if key is None or code is None:
                continue
            matrix_row = row_keys.get(key)
            if matrix_row is None:
                importer.error(self.sheet, row, "row_key", _("The matrix has no row “%(key)s”.") % {"key": key})
                continue
            importer.check_reference(
                row, self.sheet, "department_code", importer.departments, importer.file_departments
            )
            raw = row.get("value") or ""
            value = accepted.get(raw.strip().lower(), None) if raw else ""
            if value is None or (value and value not in allowed):
                importer.error(
                    self.sheet,
                    row,
                    "value",
                    _("“%(value)s” is not a mark of this matrix; use %(marks)s.")
                    % {"value": raw, "marks": " ".join(CELL_SYMBOL[v] for v in self.matrix.allowed_values)},
                )
                continue
            if (key, code) in self.wanted:
                importer.error(
                    self.sheet,
                    row,
                    "department_code",
                    _("This cell is already given in row %(row)d.") % {"row": self.wanted[(key, code)][0].number},
                )
                continue
            column = self.columns.get(code)
            current = stored.get((matrix_row.pk, column.pk), "") if column else ""
            self.wanted[(key, code)] = (row, value, current)
        if any(value != current for _row, value, current in self.wanted.values()) and self.matrix.status in (
            DocumentStatus.IN_REVIEW,
            DocumentStatus.APPROVED,
        ):
            importer.error(
                self.sheet,
                self.rows[0],
                "",
                _("Version %(v)s of the matrix is %(state)s; the import does not change it. Decide it first.")
                % {"v": self.matrix.version_label, "state": self.matrix.get_status_display()},
            )

    def apply(self):
        importer = self.importer
        changes = [(key, entry) for key, entry in self.wanted.items() if entry[1] != entry[2]]
        importer.result.counts[self.sheet].unchanged += len(self.wanted) - len(changes)
        if not changes:
            return
        draft = importer.attempt(
            self.sheet,
            changes[0][1][0],
            lambda: matrix_services.matrix_draft_for_edit(actor=importer.actor, matrix=self.matrix),
        )
        if draft is None:
            return
        rows = {}
        for row in draft.rows.select_related("clause"):
            rows.setdefault(row.key, row)
        columns = {c.department.code: c for c in draft.columns.select_related("department") if c.department_id}
        for (key, code), (sheet_row, value, current) in changes:
            column = columns.get(code)
            if column is None:
                department = importer.departments.get(code) or Department.objects.filter(code=code).first()
                if department is None:
                    continue  # the department failed to import; reported already
                column = importer.attempt(
                    self.sheet,
                    sheet_row,
                    lambda d=department: matrix_services.matrix_add_column(
                        actor=importer.actor, matrix=draft, department=d
                    ),
                )
                if column is None:
                    continue
                columns[code] = column
            done = importer.attempt(
                self.sheet,
                sheet_row,
                lambda r=rows[key], c=column, v=value: matrix_services.matrix_set_cell(
                    actor=importer.actor, matrix=draft, row=r, column=c, value=v
                ),
            )
            if done is not None:
                importer.count(self.sheet, "updated" if current else "created")
        importer.result.matrix = draft
