"""The readable change history: who changed which field from what to what, and why."""

import pytest

from core.history import Change, history_entries
from org import services
from org.models import Department, today
from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def changes(entry):
    return {c.field: (c.old, c.new) for c in entry.changes}


@pytest.fixture
def post(org_tree):
    return services.post_create(
        actor=org_tree.hr_user,
        code="QA-05",
        title="Lab technician",
        department=org_tree.qa,
        superior=org_tree.qa_engineer_post,
        grade="junior",
        valid_from=today(),
    )


def test_created_entry_lists_the_values_set(org_tree, post):
    (created,) = history_entries(post)
    assert created.kind == "Created"
    assert created.who == "Hannah HR"  # the full name when there is one
    assert created.reason == ""
    fields = changes(created)
    assert fields["code"] == ("", "QA-05")
    assert fields["title"] == ("", "Lab technician")
    assert fields["department"] == ("", "Quality (QA)")
    assert fields["direct superior post"] == ("", "QA engineer (QA-02)")
    assert fields["career grade"] == ("", "Junior")
    assert fields["valid from"] == ("", today().isoformat())
    # Empty values are left out of a creation.
    assert {"valid to", "reason for closing", "special post", "required qualification"}.isdisjoint(fields)


def test_changed_entry_shows_old_and_new_values(org_tree, post):
    editor = UserFactory(username="editor", first_name="")
    services.post_update(
        actor=editor,
        post=post,
        title="Senior lab technician",
        superior=org_tree.qa_head_post,
        grade="senior",
        is_special=True,
        required_qualification="Lab licence",
        reason="Promotion of the role",
    )
    changed, created = history_entries(post)  # newest first
    assert created.kind == "Created"
    assert changed.kind == "Changed"
    assert changed.who == "editor"  # the user name without a full name
    assert changed.reason == "Promotion of the role"
    assert changes(changed) == {
        "title": ("Lab technician", "Senior lab technician"),
        "direct superior post": ("QA engineer (QA-02)", "Quality manager (QA-01)"),  # foreign key by name
        "career grade": ("Junior", "Senior"),  # choices by label
        "special post": ("No", "Yes"),
        "required qualification": ("—", "Lab licence"),
    }


def test_cleared_foreign_key_shown_as_dash(org_tree, post):
    services.post_update(actor=org_tree.hr_user, post=post, superior=None)
    changed = history_entries(post)[0]
    assert changed.changes == [Change(field="direct superior post", old="QA engineer (QA-02)", new="—")]


def test_entry_without_user_is_by_system(org_tree):
    department = DepartmentFactory(code="SYS", name="System made")
    (created,) = history_entries(department)
    assert created.who == "system"


def test_closing_shows_dates_and_reason(org_tree):
    department = services.department_create(
        actor=org_tree.hr_user, code="TMP", name="Temporary", parent=org_tree.gm, valid_from=today()
    )
    services.department_close(actor=org_tree.admin_user, department=department, valid_to=today(), reason="Done")
    closed = history_entries(department)[0]
    assert (closed.who, closed.reason) == ("Adam Admin", "Done")
    assert changes(closed) == {
        "valid to": ("—", today().isoformat()),
        "reason for closing": ("—", "Done"),
    }


def test_deleted_entry(org_tree):
    department = DepartmentFactory(code="DEL", name="To delete")
    Department.objects.get(pk=department.pk).delete()
    deleted = history_entries(department)[0]
    assert deleted.kind == "Deleted"
    assert deleted.changes == []


def test_foreign_key_to_a_changed_object_shows_its_current_name(org_tree, post):
    services.post_update(actor=org_tree.hr_user, post=org_tree.qa_engineer_post, title="Quality engineer")
    (created,) = history_entries(post)
    assert changes(created)["direct superior post"] == ("", "Quality engineer (QA-02)")


def test_history_entries_in_constant_queries(org_tree, post, django_assert_max_num_queries):
    for i in range(10):
        superior = org_tree.qa_head_post if i % 2 else org_tree.qa_engineer_post
        services.post_update(actor=org_tree.hr_user, post=post, superior=superior, title=f"Title {i}")
    with django_assert_max_num_queries(4):
        entries = history_entries(post)
    assert len(entries) == 11


def test_rotation_posts_change_is_shown(org_tree, post):
    services.post_update(actor=org_tree.hr_user, post=post, rotation_posts=[org_tree.operator_post])
    newest = history_entries(post)[0]
    assert changes(newest)["rotation posts"] == ("—", "Operator (W1-02)")
