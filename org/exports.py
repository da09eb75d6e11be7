"""Files built from the organisation's selectors."""

from django.utils.translation import gettext as _

from .spreadsheet import new_workbook, table_sheet, workbook_bytes


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
