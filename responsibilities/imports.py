"""Loading an organisation from an Excel workbook: the template, the upload checks, and the import.

An import runs in three stages:

1. ``check_upload`` looks at the raw bytes before any XML parser touches them: size, the zip
   signature and the parts an .xlsx has, no macros, and the uncompressed size and compression
   ratio of every member (a zip bomb is refused from its directory alone).
2. ``read_workbook`` reads every sheet with openpyxl (which parses through defusedxml) and turns
   each cell into a typed value. Formulas are never evaluated: a cell holding ``=…`` is read as
   that text.
3. ``run_import`` checks every row against the file and the database, collecting every error
   (sheet, row, column, message). Only a file without errors is applied, in one transaction,
   through the services of ``org`` and ``responsibilities``, so validation and history work as
   for a change made on a page. A service refusing a row rolls the whole import back.

Rows are keyed by department code, post code and employee number. The import adds and
updates, never deletes or closes; an empty cell leaves the stored value as it is. Duties
become (or update) a draft job description, never an approved one. Importing the same file
a second time changes nothing.
"""

import datetime
import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheet import BORDER, FONT_NAME, HEADER_FILL, new_workbook, set_cell, workbook_bytes
from org import services as org_services
from org.choices import AssignmentKind, Grade
from org.models import Assignment, Department, Employee, Post, today

from . import services
from .choices import DocumentStatus
from .models import JobDescription

#: Upload limits, checked on the raw bytes before parsing.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_MEMBER_RATIO = 100
MAX_MEMBERS = 2000
#: Rows read per sheet at most: a bigger organisation is imported in several files.
MAX_ROWS = 20000
REASON = gettext_lazy("Excel import")


#: A cell that could not be read (already reported): not taken as empty.
INVALID = object()


class UploadRejected(ValidationError):
    """The uploaded file is not an acceptable .xlsx workbook; nothing was read from it."""


# The layout of the workbook ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: str = "text"  # text, int, date, bool, choice
    required: bool = False
    max_length: int | None = None
    choices: type | None = None
    help: str = ""

    @property
    def header(self):
        # Fixed and bilingual: the same file works whatever language its user reads.
        return f"{self.zh}\n{self.en}"


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    columns: tuple

    def column(self, key):
        return next(c for c in self.columns if c.key == key)


YES = {"1", "y", "yes", "true", "x", "是", "√", "✓", "●"}
NO = {"0", "n", "no", "false", "否", ""}

SHEETS = (
    Sheet(
        "Departments",
        "部门",
        (
            Column("code", "部门编码", "Department code", required=True, max_length=30),
            Column("name", "部门名称", "Name", required=True, max_length=100),
            Column("parent_code", "上级部门编码", "Parent department code", max_length=30),
            Column("head_post_code", "负责人岗位编码", "Head post code", max_length=30),
            Column("valid_from", "成立日期", "Valid from", kind="date"),
            Column("purpose", "部门宗旨", "Purpose"),
            Column("functions", "部门职能", "Functions"),
            Column("sort_order", "排序", "Order", kind="int"),
        ),
    ),
    Sheet(
        "Posts",
        "岗位",
        (
            Column("code", "岗位编码", "Post code", required=True, max_length=30),
            Column("title", "岗位名称", "Title", required=True, max_length=100),
            Column("department_code", "所属部门编码", "Department code", required=True, max_length=30),
            Column("superior_code", "直接上级岗位编码", "Superior post code", max_length=30),
            Column("headcount", "编制人数", "Seats", kind="int"),
            Column("grade", "职级", "Grade", kind="choice", choices=Grade),
            Column("is_special", "特殊岗位", "Special post", kind="bool"),
            Column("required_qualification", "上岗资格", "Required qualification", max_length=200),
            Column("valid_from", "设立日期", "Valid from", kind="date"),
            Column("sort_order", "排序", "Order", kind="int"),
        ),
    ),
    Sheet(
        "Employees",
        "员工",
        (
            Column("number", "工号", "Employee number", required=True, max_length=30),
            Column("name", "姓名", "Name", required=True, max_length=100),
            Column("hire_date", "入职日期", "Hire date", kind="date"),
            Column("email", "电子邮箱", "E-mail", max_length=254),
            Column("phone", "电话", "Phone", max_length=40),
        ),
    ),
    Sheet(
        "Assignments",
        "任职",
        (
            Column("employee_number", "工号", "Employee number", required=True, max_length=30),
            Column("post_code", "岗位编码", "Post code", required=True, max_length=30),
            Column("kind", "任职方式", "Kind", kind="choice", choices=AssignmentKind),
            Column("start", "开始日期", "Start", kind="date", required=True),
            Column("end", "结束日期", "End", kind="date"),
            Column("end_reason", "结束原因", "Reason for ending", max_length=300),
            Column("note", "备注", "Note", max_length=200),
        ),
    ),
    Sheet(
        "Duties",
        "岗位职责",
        (
            Column("post_code", "岗位编码", "Post code", required=True, max_length=30),
            Column("title", "工作职责", "Duty", required=True, max_length=300),
            Column("description", "职责描述", "Description"),
            Column("time_share", "时间占比(%)", "Share of time (%)", kind="int"),
        ),
    ),
    Sheet(
        "Matrix",
        "职责矩阵",
        (
            Column(
                "row_key", "矩阵行（条款号或过程）", "Matrix row (clause or process)", required=True, max_length=300
            ),
            Column("department_code", "部门编码", "Department code", required=True, max_length=30),
            Column("value", "标记", "Mark"),
        ),
    ),
)
SHEET_BY_KEY = {s.key: s for s in SHEETS}

HELP = {
    ("Departments", "code"): gettext_lazy("Required. Identifies the department; an existing code is updated."),
    ("Departments", "parent_code"): gettext_lazy("A department in this file or already in the system."),
    ("Departments", "head_post_code"): gettext_lazy("A post of this department (from the Posts sheet or the system)."),
    ("Departments", "valid_from"): gettext_lazy("Date as YYYY-MM-DD. Empty for a new department: today."),
    ("Posts", "code"): gettext_lazy("Required. Identifies the post; an existing code is updated."),
    ("Posts", "superior_code"): gettext_lazy("The post it reports to, in this file or already in the system."),
    ("Posts", "headcount"): gettext_lazy("Number of seats, at least 1. Empty for a new post: 1."),
    ("Posts", "grade"): gettext_lazy("junior, professional, senior or management."),
    ("Posts", "is_special"): gettext_lazy("是/否 (yes/no). A special post names its required qualification."),
    ("Posts", "valid_from"): gettext_lazy("Date as YYYY-MM-DD; not before the department's. Empty: today."),
    ("Employees", "number"): gettext_lazy("Required. Identifies the employee; an existing number is updated."),
    ("Employees", "hire_date"): gettext_lazy("Required for a new employee. Date as YYYY-MM-DD."),
    ("Assignments", "kind"): gettext_lazy("primary, concurrent or acting. Empty: primary."),
    ("Assignments", "start"): gettext_lazy(
        "Required. Employee, post and start identify an assignment; a recorded one can only be ended."
    ),
    ("Assignments", "end"): gettext_lazy("Last day held; empty while held."),
    ("Duties", "post_code"): gettext_lazy(
        "One row per duty, in order. The duties of a post replace those of its draft job description, "
        "or start a new draft; approved versions are never changed."
    ),
    ("Duties", "time_share"): gettext_lazy("Whole percent; the duties of a post add up to at most 100."),
    ("Matrix", "row_key"): gettext_lazy("The clause number (e.g. 7.5) or the process text of a row."),
    ("Matrix", "department_code"): gettext_lazy("A department column of the company matrix."),
    ("Matrix", "value"): gettext_lazy("● or lead, ○ or assist (RACI matrices: R, A, C, I); empty clears the cell."),
}


def _choice_labels(choices):
    """{accepted spelling (lower case): value}: the value, and its label in English and Chinese."""
    accepted = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                accepted[str(label).strip().lower()] = value
    for value in choices.values:
        accepted[value.lower()] = value
    return accepted


# Reading the upload -----------------------------------------------------------------------


def check_upload(data: bytes, filename: str = "") -> None:
    """Refuse anything but a reasonable .xlsx workbook, from its bytes and zip directory alone."""
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        # Without defusedxml openpyxl would parse the uploaded XML unprotected.
        raise UploadRejected(_("Imports are disabled: the XML protection (defusedxml) is not installed."))
    if filename and not filename.lower().endswith(".xlsx"):
        raise UploadRejected(_("Only Excel workbooks (.xlsx) can be imported; save the file as .xlsx first."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected(
            _("The file is %(size)s MB; at most %(max)s MB can be imported.")
            % {"size": f"{len(data) / 1048576:.1f}", "max": MAX_UPLOAD_BYTES // 1048576}
        )
    if not data.startswith(b"PK\x03\x04"):
        raise UploadRejected(_("This is not an Excel workbook (.xlsx)."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRejected(_("The workbook is damaged and cannot be read.")) from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadRejected(_("This is not an Excel workbook (.xlsx)."))
    if "xl/vbaProject.bin" in names or any(m.filename.lower().endswith(".bin") for m in members):
        raise UploadRejected(_("Workbooks with macros (.xlsm) are not accepted; save the file as .xlsx."))
    if len(members) > MAX_MEMBERS:
        raise UploadRejected(_("The workbook has too many parts to be a spreadsheet of data."))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_MEMBER_RATIO:
            raise UploadRejected(
                _("The workbook unpacks to far more data than it holds (a “zip bomb”); it was not opened.")
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UploadRejected(
            _("The workbook unpacks to more than %(max)s MB; split it into smaller files.")
            % {"max": MAX_UNCOMPRESSED_BYTES // 1048576}
        )


@dataclass
class RowError:
    sheet: str
    row: int | None
    column: str
    message: str

    @property
    def sheet_label(self):
        sheet = SHEET_BY_KEY.get(self.sheet)
        return f"{sheet.zh} {sheet.key}" if sheet else self.sheet

    def sort_key(self):
        order = [s.key for s in SHEETS]
        return (order.index(self.sheet) if self.sheet in order else -1, self.row or 0, self.column)


@dataclass
class Row:
    number: int
    values: dict
    invalid: set = field(default_factory=set)  # columns whose cell could not be read

    def get(self, key):
        return self.values.get(key)

    def __getitem__(self, key):
        return self.values[key]


def _literal(value):
    """The cell's content as it is in the file; a formula object becomes its text."""
    text = getattr(value, "text", None)  # ArrayFormula keeps its formula in .text
    if text is not None and not isinstance(value, str):
        return str(text)
    return value


def _to_text(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _convert(column, value):
    """(typed value, error message or None) for one non-empty cell."""
    if column.kind == "text":
        text = _to_text(value)
        if column.max_length and len(text) > column.max_length:
            return None, _("At most %(n)d characters (this has %(m)d).") % {"n": column.max_length, "m": len(text)}
        return text, None
    if column.kind == "int":
        if isinstance(value, bool):
            return None, _("Enter a whole number.")
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        else:
            return None, _("Enter a whole number.")
        if number < 0:
            return None, _("Enter a whole number.")
        return number, None
    if column.kind == "date":
        if isinstance(value, datetime.datetime):
            return value.date(), None
        if isinstance(value, datetime.date):
            return value, None
        match = DATE_RE.match(_to_text(value))
        if match:
            try:
                return datetime.date(*(int(g) for g in match.groups())), None
            except ValueError:
                pass
        return None, _("Enter a date as YYYY-MM-DD.")
    if column.kind == "bool":
        if isinstance(value, bool):
            return value, None
        text = _to_text(value).lower()
        if text in YES:
            return True, None
        if text in NO:
            return False, None
        return None, _("Enter 是 or 否 (yes or no).")
    if column.kind == "choice":
        accepted = _choice_labels(column.choices)
        found = accepted.get(_to_text(value).lower())
        if found is None:
            return None, _("Choose one of: %(values)s.") % {"values": ", ".join(column.choices.values)}
        return found, None
    raise ValueError(column.kind)


def _header_key(sheet, text):
    parts = {p.strip().lower() for p in re.split(r"[\n/]", text) if p.strip()}
    parts.add(" ".join(text.split()).lower())
    for column in sheet.columns:
        if {column.key.lower(), column.zh.lower(), column.en.lower(), " ".join(column.header.split()).lower()} & parts:
            return column.key
    return None


def _sheet_for(title):
    wanted = title.strip().lower()
    for sheet in SHEETS:
        if wanted in (sheet.key.lower(), sheet.zh, f"{sheet.zh} {sheet.key}".lower()):
            return sheet
    return None


def read_workbook(data: bytes):
    """({sheet key: [Row]}, {sheet key: {column key: letter}}, [RowError]) for the data sheets.

    Sheets with other names (a README, the user's own notes) are left alone. Values are typed
    per column; cells that cannot be read are reported, never guessed.
    """
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors for a broken file
        raise UploadRejected(_("The workbook is damaged and cannot be read.")) from None
    rows, letters, errors = {}, {}, []
    try:
        for worksheet in workbook.worksheets:
            sheet = _sheet_for(worksheet.title)
            if sheet is None or sheet.key in rows:
                continue
            rows[sheet.key], letters[sheet.key] = _read_sheet(sheet, worksheet, errors)
    except UploadRejected:
        raise
    except Exception:  # noqa: BLE001 - a damaged part shows up only while reading its rows
        raise UploadRejected(_("The workbook is damaged and cannot be read.")) from None
    finally:
        workbook.close()
    return rows, letters, errors


def _read_sheet(sheet, worksheet, errors):
    iterator = worksheet.iter_rows(values_only=True)
    header = next(iterator, None) or ()
    positions = {}
    for index, cell in enumerate(header):
        text = _to_text(_literal(cell)) if cell is not None else ""
        if not text:
            continue
        key = _header_key(sheet, text)
        if key is None:
            errors.append(
                RowError(sheet.key, 1, get_column_letter(index + 1), _("Unknown column “%(text)s”.") % {"text": text})
            )
        elif key in positions.values():
            errors.append(RowError(sheet.key, 1, get_column_letter(index + 1), _("This column appears twice.")))
        else:
            positions[index] = key
    for column in sheet.columns:
        if column.required and column.key not in positions.values():
            errors.append(
                RowError(sheet.key, 1, "", _("The column “%(column)s” is missing.") % {"column": column.header})
            )
    letters = {key: get_column_letter(index + 1) for index, key in positions.items()}
    result = []
    for number, values in enumerate(iterator, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(result) >= MAX_ROWS:
            errors.append(RowError(sheet.key, number, "", _("More than %(n)d rows: split the file.") % {"n": MAX_ROWS}))
            break
        typed = {}
        for index, key in positions.items():
            raw = _literal(values[index]) if index < len(values) else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            value, message = _convert(sheet.column(key), raw)
            if message:
                errors.append(RowError(sheet.key, number, _column_label(sheet, key, letters), message))
                typed[key] = INVALID
            else:
                typed[key] = value
        for column in sheet.columns:
            if column.required and column.key in letters and column.key not in typed:
                errors.append(RowError(sheet.key, number, _column_label(sheet, column.key, letters), _("Required.")))
        invalid = {k for k, v in typed.items() if v is INVALID}
        result.append(Row(number, {k: v for k, v in typed.items() if v is not INVALID}, invalid))
    return result, letters


def _column_label(sheet, key, letters):
    column = sheet.column(key)
    letter = letters.get(key, "")
    return f"{letter} {column.zh} {column.en}".strip()


# Validating and applying ------------------------------------------------------------------


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self):
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    counts: dict = field(default_factory=dict)  # sheet key → SheetCounts
    errors: list = field(default_factory=list)
    missing: dict = field(default_factory=dict)  # sheet key → [labels] in the system, not in the file
    applied: bool = False
    dry_run: bool = False
    drafts: list = field(default_factory=list)  # job descriptions created or changed
    matrix: object = None  # the matrix draft the cells went into

    @property
    def changed(self):
        return sum(c.created + c.updated for c in self.counts.values())


#: Model field → the column that sets it, for errors raised by the services.
FIELD_COLUMNS = {
    "parent": "parent_code",
    "head_post": "head_post_code",
    "department": "department_code",
    "superior": "superior_code",
    "employee": "employee_number",
    "post": "post_code",
    "leaving_date": "hire_date",
}


class Importer:
    """Checks and applies one parsed workbook. Use ``run_import``."""

    def __init__(self, rows, *, actor, letters):
        self.rows = rows
        self.actor = actor
        self.letters = letters
        self.errors = []
        self.created_departments, self.updated_departments = set(), set()
        self.result = ImportResult(counts={key: SheetCounts() for key in rows})

    # helpers

    def error(self, sheet, row, key, message):
        label = _column_label(SHEET_BY_KEY[sheet], key, self.letters.get(sheet, {})) if key else ""
        self.errors.append(RowError(sheet, row.number if row else None, label, str(message)))

    def service_errors(self, sheet, row, exc):
        if hasattr(exc, "error_dict"):
            columns = {c.key for c in SHEET_BY_KEY[sheet].columns}
            for name, messages in exc.message_dict.items():
                key = FIELD_COLUMNS.get(name, name)
                for message in messages:
                    self.error(sheet, row, key if key in columns and name != NON_FIELD_ERRORS else "", message)
        else:
            for message in exc.messages:
                self.error(sheet, row, "", message)

    def unique(self, sheet, key):
        """{value of ``key``: row} of a sheet; a value given twice is an error."""
        seen = {}
        for row in self.rows.get(sheet, []):
            value = row.get(key)
            if value is None:
                continue
            if value in seen:
                self.error(
                    sheet,
                    row,
                    key,
                    _("“%(value)s” is already given in row %(row)d.") % {"value": value, "row": seen[value].number},
                )
            else:
                seen[value] = row
        return seen

    def count(self, sheet, outcome):
        setattr(self.result.counts[sheet], outcome, getattr(self.result.counts[sheet], outcome) + 1)

    # checks that need no writing

    def check(self):
        self.file_departments = self.unique("Departments", "code")
        self.file_posts = self.unique("Posts", "code")
        self.file_employees = self.unique("Employees", "number")
        wanted_departments = set(self.file_departments)
        wanted_posts = set(self.file_posts)
        wanted_employees = set(self.file_employees)
        for row in self.rows.get("Departments", []):
            wanted_departments.add(row.get("parent_code"))
            wanted_posts.add(row.get("head_post_code"))
        for row in self.rows.get("Posts", []):
            wanted_departments.add(row.get("department_code"))
            wanted_posts.add(row.get("superior_code"))
        for row in self.rows.get("Assignments", []):
            wanted_posts.add(row.get("post_code"))
            wanted_employees.add(row.get("employee_number"))
        for row in self.rows.get("Duties", []):
            wanted_posts.add(row.get("post_code"))
        for row in self.rows.get("Matrix", []):
            wanted_departments.add(row.get("department_code"))
        self.departments = Department.objects.in_bulk(wanted_departments - {None}, field_name="code")
        self.posts = Post.objects.select_related("department").in_bulk(wanted_posts - {None}, field_name="code")
        self.employees = Employee.objects.in_bulk(wanted_employees - {None}, field_name="number")

        for row in self.rows.get("Departments", []):
            self.check_reference(row, "Departments", "parent_code", self.departments, self.file_departments)
            self.check_reference(row, "Departments", "head_post_code", self.posts, self.file_posts)
            head = row.get("head_post_code")
            if head:
                department = self.file_posts[head].get("department_code") if head in self.file_posts else None
                if department is None and head in self.posts:
                    department = self.posts[head].department.code
                if department and department != row.get("code"):
                    self.error("Departments", row, "head_post_code", _("The head post must belong to this department."))
        for row in self.rows.get("Posts", []):
            self.check_reference(row, "Posts", "department_code", self.departments, self.file_departments)
            self.check_reference(row, "Posts", "superior_code", self.posts, self.file_posts)
            if row.get("headcount") == 0:
                self.error("Posts", row, "headcount", _("A post has at least one seat."))
        for row in self.rows.get("Employees", []):
            if row.get("number") not in self.employees and "hire_date" not in row.values | dict.fromkeys(row.invalid):
                self.error("Employees", row, "hire_date", _("A new employee needs a hire date."))
        for row in self.rows.get("Assignments", []):
            self.check_reference(row, "Assignments", "post_code", self.posts, self.file_posts)
            self.check_reference(row, "Assignments", "employee_number", self.employees, self.file_employees)
            if row.get("end") and row.get("start") and row["end"] < row["start"]:
                self.error("Assignments", row, "end", _("The end date cannot lie before the start date."))
        self.check_cycles(
            "Departments", "parent_code", {d: x.parent.code for d, x in self.departments.items() if x.parent_id}
        )
        self.check_cycles(
            "Posts", "superior_code", {p: x.superior.code for p, x in self.posts.items() if x.superior_id}
        )
        self.duties = self.check_duties()
        self.check_matrix()

    def check_reference(self, row, sheet, key, stored, in_file):
        value = row.get(key)
        if value and value not in stored and value not in in_file:
            self.error(sheet, row, key, _("“%(value)s” is neither in this file nor in the system.") % {"value": value})

    def check_cycles(self, sheet, key, stored_parent):
        parent = dict(stored_parent)
        for code, row in self.unique_rows(sheet):
            if row.get(key):
                parent[code] = row.get(key)
        for code, row in self.unique_rows(sheet):
            seen, node = {code}, parent.get(code)
            while node is not None:
                if node in seen:
                    self.error(
                        sheet, row, key, _("This would make a cycle: %(code)s lies below itself.") % {"code": code}
                    )
                    break
                seen.add(node)
                node = parent.get(node)

    def unique_rows(self, sheet):
        return {"Departments": self.file_departments, "Posts": self.file_posts}[sheet].items()

    def check_duties(self):
        duties = defaultdict(list)
        for row in self.rows.get("Duties", []):
            if row.get("post_code"):
                duties[row["post_code"]].append(row)
        for rows in duties.values():
            share = sum(r.get("time_share") or 0 for r in rows)
            for row in rows:
                if (row.get("time_share") or 0) > 100:
                    self.error("Duties", row, "time_share", _("At most 100 %."))
            if share > 100:
                self.error(
                    "Duties",
                    rows[-1],
                    "time_share",
                    _("The duties take %(n)d %% of the working time; at most 100 %% is possible.") % {"n": share},
                )
        return duties

    def check_matrix(self):
        from . import matrix_import

        self.matrix = matrix_import.MatrixImport(self) if self.rows.get("Matrix") else None
        if self.matrix is not None:
            self.matrix.check()

    # writing

    def apply(self):
        self.apply_departments()
        self.apply_posts()
        self.apply_heads()
        self.apply_employees()
        self.apply_assignments()
        self.apply_duties()
        if self.matrix is not None:
            self.matrix.apply()

    def attempt(self, sheet, row, func):
        """Run one service call; a refusal is recorded against the row. Returns None then."""
        try:
            with transaction.atomic():
                return func()
        except PermissionDenied:
            self.error(sheet, row, "", _("You may not make this change."))
        except ValidationError as exc:
            self.service_errors(sheet, row, exc)
        return None

    def ordered(self, rows_by_code, key):
        """Rows with the row they point to (``key``) first when that row is in the file."""
        done, order = set(), []

        def visit(code, depth=0):
            if code in done or code not in rows_by_code or depth > 500:
                return
            done.add(code)
            visit(rows_by_code[code].get(key), depth + 1)
            order.append(rows_by_code[code])

        for code in rows_by_code:
            visit(code)
        return order

    def changes(self, instance, fields):
        return {name: value for name, value in fields.items() if getattr(instance, name) != value}

    def apply_departments(self):
        for row in self.ordered(self.file_departments, "parent_code"):
            fields = {k: row.get(k) for k in ("name", "valid_from", "purpose", "functions", "sort_order")}
            fields = {k: v for k, v in fields.items() if v is not None}
            if row.get("parent_code"):
                fields["parent"] = self.departments.get(row["parent_code"])
                if fields["parent"] is None:
                    continue  # its parent failed; that error is reported already
            department = self.departments.get(row["code"])
            if department is None:
                created = self.attempt(
                    "Departments",
                    row,
                    lambda f=fields, r=row: org_services.department_create(
                        actor=self.actor, code=r["code"], **({"valid_from": today()} | f)
                    ),
                )
                if created:
                    self.departments[row["code"]] = created
                    self.created_departments.add(row["code"])
                    self.count("Departments", "created")
                continue
            changed = self.changes(department, fields)
            if not changed:
                self.count("Departments", "unchanged")
            elif self.attempt(
                "Departments",
                row,
                lambda d=department, c=changed: org_services.department_update(
                    actor=self.actor, department=d, reason=str(REASON), **c
                ),
            ):
                self.updated_departments.add(row["code"])
                self.count("Departments", "updated")

    def apply_posts(self):
        for row in self.ordered(self.file_posts, "superior_code"):
            fields = {
                k: row.get(k)
                for k in (
                    "title",
                    "headcount",
                    "grade",
                    "is_special",
                    "required_qualification",
                    "valid_from",
                    "sort_order",
                )
            }
            fields = {k: v for k, v in fields.items() if v is not None}
            department = self.departments.get(row.get("department_code"))
            if department is None:
                continue
            fields["department"] = department
            if row.get("superior_code"):
                fields["superior"] = self.posts.get(row["superior_code"])
                if fields["superior"] is None:
                    continue
            post = self.posts.get(row["code"])
            if post is None:
                created = self.attempt(
                    "Posts",
                    row,
                    lambda f=fields, r=row: org_services.post_create(
                        actor=self.actor, code=r["code"], **({"valid_from": today()} | f)
                    ),
                )
                if created:
                    self.posts[row["code"]] = created
                    self.count("Posts", "created")
                continue
            changed = self.changes(post, fields)
            if not changed:
                self.count("Posts", "unchanged")
            elif self.attempt(
                "Posts",
                row,
                lambda p=post, c=changed: org_services.post_update(actor=self.actor, post=p, reason=str(REASON), **c),
            ):
                self.count("Posts", "updated")

    def apply_heads(self):
        """Head posts once the posts exist: a department's head post must be one of its own."""
        for row in self.file_departments.values():
            department, head = self.departments.get(row["code"]), self.posts.get(row.get("head_post_code"))
            if department is None or head is None or department.head_post_id == head.pk:
                continue
            if self.attempt(
                "Departments",
                row,
                lambda d=department, h=head: org_services.department_update(
                    actor=self.actor, department=d, reason=str(REASON), head_post=h
                ),
            ):
                # A department created in this run stays "created"; an unchanged one is now updated.
                counts = self.result.counts["Departments"]
                if row["code"] not in self.created_departments and row["code"] not in self.updated_departments:
                    counts.unchanged -= 1
                    counts.updated += 1

    def apply_employees(self):
        for row in self.file_employees.values():
            fields = {k: row.get(k) for k in ("name", "hire_date", "email", "phone")}
            fields = {k: v for k, v in fields.items() if v is not None}
            employee = self.employees.get(row["number"])
            if employee is None:
                created = self.attempt(
                    "Employees",
                    row,
                    lambda f=fields, r=row: org_services.employee_create(actor=self.actor, number=r["number"], **f),
                )
                if created:
                    self.employees[row["number"]] = created
                    self.count("Employees", "created")
                continue
            changed = self.changes(employee, fields)
            if not changed:
                self.count("Employees", "unchanged")
            elif self.attempt(
                "Employees",
                row,
                lambda e=employee, c=changed: org_services.employee_update(actor=self.actor, employee=e, **c),
            ):
                self.count("Employees", "updated")

    def apply_assignments(self):
        rows = self.rows.get("Assignments", [])
        if not rows:
            return
        employee_ids = {e.pk for e in self.employees.values()}
        stored = {
            (a.employee_id, a.post_id, a.start): a
            for a in Assignment.objects.filter(employee_id__in=employee_ids).select_related("employee", "post")
        }
        for row in rows:
            employee, post = self.employees.get(row.get("employee_number")), self.posts.get(row.get("post_code"))
            if employee is None or post is None:
                continue
            kind = row.get("kind") or AssignmentKind.PRIMARY
            existing = stored.get((employee.pk, post.pk, row["start"]))
            if existing is None:
                created = self.attempt(
                    "Assignments",
                    row,
                    lambda e=employee, p=post, k=kind, r=row: org_services.assignment_create(
                        actor=self.actor,
                        employee=e,
                        post=p,
                        kind=k,
                        start=r["start"],
                        end=r.get("end"),
                        note=r.get("note") or "",
                        end_reason=r.get("end_reason") or (str(REASON) if r.get("end") else ""),
                    ),
                )
                if created:
                    stored[(employee.pk, post.pk, row["start"])] = created
                    self.count("Assignments", "created")
                continue
            if row.get("kind") and existing.kind != kind:
                self.error(
                    "Assignments",
                    row,
                    "kind",
                    _("A recorded assignment keeps its kind; end it and record a new one."),
                )
                continue
            end = row.get("end")
            if end is None or end == existing.end:
                self.count("Assignments", "unchanged")
            elif self.attempt(
                "Assignments",
                row,
                lambda a=existing, e=end, r=row: org_services.assignment_end(
                    actor=self.actor, assignment=a, end=e, reason=r.get("end_reason") or str(REASON)
                ),
            ):
                self.count("Assignments", "updated")

    def apply_duties(self):
        if not self.duties:
            return
        posts = [self.posts[code] for code in self.duties if code in self.posts]
        latest = {}
        for jd in (
            JobDescription.objects.filter(post__in=posts)
            .order_by("post_id", "-version")
            .prefetch_related("duties__tasks")
        ):
            latest.setdefault(jd.post_id, jd)
        for code, rows in self.duties.items():
            post = self.posts.get(code)
            if post is None:
                continue
            wanted = [
                {"title": r["title"], "description": r.get("description") or "", "time_share": r.get("time_share") or 0}
                for r in rows
                if r.get("title")
            ]
            jd = latest.get(post.pk)
            current = _duty_list(jd) if jd else None
            if current == [(d["title"], d["description"], d["time_share"]) for d in wanted]:
                self.count("Duties", "unchanged")
                continue
            if jd is not None and jd.status in (DocumentStatus.IN_REVIEW, DocumentStatus.APPROVED):
                self.error(
                    "Duties",
                    rows[0],
                    "post_code",
                    _("Version %(v)s of this job description is %(state)s; the import does not change it.")
                    % {"v": jd.version_label, "state": jd.get_status_display()},
                )
                continue
            draft = self.attempt("Duties", rows[0], lambda p=post, j=jd, w=wanted: self.write_duties(p, j, w))
            if draft is not None:
                self.result.drafts.append(draft)
                self.count("Duties", "updated" if jd is not None and jd.status == DocumentStatus.DRAFT else "created")

    def write_duties(self, post, jd, wanted):
        """Put ``wanted`` on the post's draft (started now if there is none). The tasks of a
        duty whose title stays are kept."""
        if jd is None or jd.status != DocumentStatus.DRAFT:
            jd = services.jd_new_draft(actor=self.actor, post=post)
        tasks = {
            d.title: [{name: getattr(t, name) for name in services.TASK_FIELDS} for t in d.tasks.all()]
            for d in jd.duties.prefetch_related("tasks")
        }
        duties = [d | {"tasks": tasks.get(d["title"], [])} for d in wanted]
        return services.jd_update(actor=self.actor, jd=jd, revision=jd.edit_revision, duties=duties)

    # information

    def list_missing(self):
        """What the system has and the file does not, per sheet that has rows."""
        missing = {}
        if self.rows.get("Departments"):
            missing["Departments"] = [
                str(d) for d in Department.objects.valid_on().exclude(code__in=list(self.file_departments))
            ]
        if self.rows.get("Posts"):
            missing["Posts"] = [str(p) for p in Post.objects.valid_on().exclude(code__in=list(self.file_posts))]
        if self.rows.get("Employees"):
            missing["Employees"] = [
                str(e)
                for e in Employee.objects.exclude(number__in=list(self.file_employees)).exclude(
                    leaving_date__lt=today()
                )
            ]
        return {k: v for k, v in missing.items() if v}


def _duty_list(jd):
    return [(d.title, d.description, d.time_share) for d in jd.duties.all()]


def run_import(*, actor, data: bytes, filename: str = "", dry_run: bool = False) -> ImportResult:
    """Check the upload, read it, check every row, and apply the file if nothing is wrong.

    Raises ``UploadRejected`` for a file that is not read at all. With ``dry_run`` the
    changes are computed and rolled back, for a preview.
    """
    check_upload(data, filename)
    rows, letters, read_errors = read_workbook(data)
    importer = Importer(rows, actor=actor, letters=letters)
    importer.errors.extend(read_errors)
    result = importer.result
    result.dry_run = dry_run
    if not rows:
        importer.errors.append(
            RowError(
                "",
                None,
                "",
                _("The workbook has none of the sheets Departments, Posts, Employees, Assignments, Duties, Matrix."),
            )
        )
    if rows:
        # Even when some cells could not be read, every row is still checked, so the user
        # sees all the errors of the file at once.
        importer.check()
    if not importer.errors:
        with transaction.atomic():
            importer.apply()
            result.missing = importer.list_missing()
            if importer.errors or dry_run:
                transaction.set_rollback(True)
            else:
                result.applied = True
    result.errors = sorted(importer.errors, key=RowError.sort_key)
    if result.errors:
        result.counts = {key: SheetCounts() for key in rows}
        result.drafts, result.matrix = [], None
    return result


# The template -----------------------------------------------------------------------------


def template_rows():
    """Example rows of the template: a small department with one post, holder and duty, set up
    on 1 January three years ago and staffed from 1 March of that year."""
    founded = datetime.date(timezone.localdate().year - 3, 1, 1).isoformat()
    hired = datetime.date(timezone.localdate().year - 3, 3, 1).isoformat()
    return {
        "Departments": [["QA", "质量部", "", "QA-01", founded, "", "", 1]],
        "Posts": [["QA-01", "质量部经理", "QA", "", 1, Grade.MANAGEMENT, "否", "", founded, 1]],
        "Employees": [["E0001", "张三", hired, "", ""]],
        "Assignments": [["E0001", "QA-01", AssignmentKind.PRIMARY, hired, "", "", ""]],
        "Duties": [["QA-01", "组织质量体系的建立与运行", "", 30]],
        "Matrix": [["7.5", "QA", "●"]],
    }


def import_template_xlsx(rows=None) -> bytes:
    """The import workbook: a README sheet and one sheet per kind of row, each with a header
    row, a comment on every header explaining the column, and drop-down lists where the values
    are fixed. ``rows`` ({sheet key: [values]}) fills the sheets; the default is an example."""
    rows = template_rows() if rows is None else rows
    wb = new_workbook()
    readme = wb.active
    readme.title = "README"
    lines = [
        _("How to fill in this workbook"),
        _("One sheet per kind of row; the first row of each sheet names the columns, data starts in row 2."),
        _(
            "Rows are matched by department code, post code and employee number: a known code is updated, a new one is created."
        ),
        _("The import adds and updates; it never deletes. An empty cell keeps the stored value."),
        _(
            "Every row is checked first. If one is wrong, nothing is imported and each error is listed with its sheet, row and column."
        ),
        _(
            "Duties become a draft job description that goes through the normal approval; approved versions are never changed."
        ),
        _("Cells are read as they are: formulas are not calculated, their text is taken as written."),
        _("Dates as YYYY-MM-DD. Yes/no columns: 是 or 否."),
        _("Delete the example rows before importing, or keep them if they describe your company."),
    ]
    for number, line in enumerate(lines, start=1):
        cell = set_cell(readme, number, 1, line)
        cell.font = Font(name=FONT_NAME, bold=number == 1, size=14 if number == 1 else 11)
    readme.column_dimensions["A"].width = 120
    start = len(lines) + 2
    for offset, label in enumerate((_("Sheet"), _("Column"), _("Explanation"))):
        set_cell(readme, start, 1 + offset, label).font = Font(name=FONT_NAME, bold=True)
    line = start + 1
    for sheet in SHEETS:
        for column in sheet.columns:
            explanation = str(HELP.get((sheet.key, column.key), ""))
            if column.required:
                explanation = f"{_('Required.')} {explanation}".strip()
            set_cell(readme, line, 1, sheet.key)
            set_cell(readme, line, 2, column.header.replace("\n", " / "))
            set_cell(readme, line, 3, explanation)
            line += 1
    readme.column_dimensions["B"].width = 40
    readme.column_dimensions["C"].width = 90

    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.key)
        for index, column in enumerate(sheet.columns, start=1):
            cell = set_cell(ws, 1, index, column.header)
            cell.font = Font(name=FONT_NAME, bold=True, color="C00000" if column.required else None)
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            explanation = str(HELP.get((sheet.key, column.key), ""))
            if explanation:
                cell.comment = Comment(explanation, "QMS")
            ws.column_dimensions[get_column_letter(index)].width = max(14, min(40, len(column.en) + 6))
            letter = get_column_letter(index)
            values = None
            if column.kind == "choice":
                values = column.choices.values
            elif column.kind == "bool":
                values = ["是", "否"]
            elif sheet.key == "Matrix" and column.key == "value":
                values = ["●", "○", "R", "A", "C", "I"]
            if values:
                validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
                validation.add(f"{letter}2:{letter}{max(MAX_ROWS, 2)}")
                ws.add_data_validation(validation)
            elif column.kind == "date":
                validation = DataValidation(
                    type="date", operator="greaterThan", formula1="1", allow_blank=True, showErrorMessage=True
                )
                validation.error = _("Enter a date as YYYY-MM-DD.")
                validation.add(f"{letter}2:{letter}{MAX_ROWS}")
                ws.add_data_validation(validation)
        ws.row_dimensions[1].height = 32
        ws.freeze_panes = "A2"
        for r, values in enumerate(rows.get(sheet.key, []), start=2):
            for c, value in enumerate(values, start=1):
                set_cell(ws, r, c, _cell_value(value))
    return workbook_bytes(wb)


def _cell_value(value):
    if isinstance(value, str) and DATE_RE.match(value):
        return datetime.date.fromisoformat(value) if re.match(r"^\d{4}-\d{2}-\d{2}$", value) else value
    if hasattr(value, "value") and isinstance(getattr(value, "value", None), str):
        return value.value  # a choices member: its stored value
    return value


def current_rows() -> dict:
    """The organisation as it stands today, in the rows of the import workbook: editing and
    importing this file updates what was changed and nothing else. A fixed number of queries."""
    from .models import Duty, Matrix, MatrixCell

    day = today()
    departments = Department.objects.valid_on(day).order_by("sort_order", "code")
    codes = dict(Department.objects.values_list("pk", "code"))
    post_codes = dict(Post.objects.values_list("pk", "code"))
    rows = {
        "Departments": [
            [
                d.code,
                d.name,
                codes.get(d.parent_id, ""),
                post_codes.get(d.head_post_id, ""),
                d.valid_from,
                d.purpose,
                d.functions,
                d.sort_order,
            ]
            for d in departments
        ],
        "Posts": [
            [
                p.code,
                p.title,
                codes.get(p.department_id, ""),
                post_codes.get(p.superior_id, ""),
                p.headcount,
                p.grade,
                "是" if p.is_special else "否",
                p.required_qualification,
                p.valid_from,
                p.sort_order,
            ]
            for p in Post.objects.valid_on(day).order_by("department__sort_order", "sort_order", "code")
        ],
    }
    employees = Employee.objects.exclude(leaving_date__lt=day).order_by("number")
    rows["Employees"] = [[e.number, e.name, e.hire_date, e.email, e.phone] for e in employees]
    rows["Assignments"] = [
        [number, post_code, kind, start, end, "", note]
        for number, post_code, kind, start, end, note in Assignment.objects.current(day)
        .order_by("employee__number", "start")
        .values_list("employee__number", "post__code", "kind", "start", "end", "note")
    ]
    latest = {}
    for pk, post_id in JobDescription.objects.order_by("post_id", "-version").values_list("pk", "post_id"):
        latest.setdefault(post_id, pk)
    rows["Duties"] = [
        [post_codes[post_id], title, description, share]
        for post_id, title, description, share in Duty.objects.filter(job_description_id__in=latest.values())
        .order_by("job_description__post__code", "order", "pk")
        .values_list("job_description__post_id", "title", "description", "time_share")
    ]
    matrix = Matrix.objects.filter(kind="company").order_by("-version").first()
    rows["Matrix"] = []
    if matrix is not None:
        from .choices import CELL_SYMBOL

        for clause, text, code, value in (
            MatrixCell.objects.filter(matrix=matrix)
            .exclude(value="")
            .filter(column__department__isnull=False)
            .order_by("row__order", "column__order")
            .values_list("row__clause__number", "row__text", "column__department__code", "value")
        ):
            rows["Matrix"].append([clause or text, code, CELL_SYMBOL.get(value, value)])
    return rows
