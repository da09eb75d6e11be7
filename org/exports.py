"""Files built from the organisation's selectors."""

from django.utils.translation import gettext as _

from core.spreadsheet import new_workbook, table_sheet, workbook_bytes

from .choices import AssignmentKind


def post_list_xlsx(nodes, *, day) -> bytes:
    """The post list (department, post, superior, seats, holders, vacancies) as a workbook."""
    columns = [
        _("Department"),
        _("Post code"),
        _("Post"),
        _("Direct superior"),
        _("Grade"),
        _("Special post"),
        _("Seats"),
        _("Holders"),
        _("Acting"),
        _("Vacant"),
    ]
    rows = []
    for n in nodes:
        post = n.post
        rows.append(
            [
                post.department.name,
                post.code,
                post.title,
                n.superior_title,
                post.get_grade_display(),
                _("Yes") if post.is_special else "",
                post.headcount,
                "、".join(a.employee.name for a in n.holders),
                "、".join(a.employee.name for a in n.acting),
                n.vacant,
            ]
        )
    rows.append(
        [
            "",
            "",
            _("Total"),
            "",
            "",
            "",
            sum(n.post.headcount for n in nodes),
            sum(n.filled for n in nodes),
            "",
            sum(n.vacant for n in nodes),
        ]
    )
    wb = new_workbook()
    table_sheet(
        wb,
        title=_("Post list as of %(day)s") % {"day": day.isoformat()},
        columns=columns,
        rows=rows,
        widths=[18, 12, 20, 20, 10, 8, 7, 28, 14, 7],
    )
    return workbook_bytes(wb)


def post_incumbents_xlsx(nodes, *, day) -> bytes:
    """Posts with their incumbents and vacancies: one row per seat (its holder, or vacant)
    and one per acting holder, so HR can count and fill the vacancies from the sheet."""
    columns = [
        _("Department code"),
        _("Department"),
        _("Post code"),
        _("Post"),
        _("Grade"),
        _("Seats"),
        _("Seat"),
        _("Status"),
        _("Employee number"),
        _("Name"),
        _("Kind"),
    ]
    kinds = dict(AssignmentKind.choices)
    rows = []
    for n in nodes:
        post = n.post
        head = [post.department.code, post.department.name, post.code, post.title, post.get_grade_display()]
        head.append(post.headcount)
        for seat, holder in enumerate(n.holders, start=1):
            person = holder.employee
            rows.append([*head, seat, _("Filled"), person.number, person.name, kinds.get(holder.kind, holder.kind)])
        for seat in range(n.filled + 1, n.filled + n.vacant + 1):
            rows.append([*head, seat, _("Vacant"), "", "", ""])
        for holder in n.acting:
            person = holder.employee
            rows.append([*head, "", _("Acting"), person.number, person.name, kinds.get(holder.kind, holder.kind)])
    planned = sum(n.post.headcount for n in nodes)
    filled = sum(n.filled for n in nodes)
    vacant = sum(n.vacant for n in nodes)
    rows.append(
        [
            "",
            "",
            "",
            _("Total"),
            "",
            planned,
            "",
            _("%(filled)d filled, %(vacant)d vacant") % {"filled": filled, "vacant": vacant},
        ]
        + ["", "", ""]
    )
    wb = new_workbook()
    table_sheet(
        wb,
        title=_("Posts with incumbents and vacancies as of %(day)s") % {"day": day.isoformat()},
        columns=columns,
        rows=rows,
        widths=[12, 18, 12, 20, 10, 6, 6, 10, 12, 14, 10],
    )
    return workbook_bytes(wb)
