"""The admin lets administrators designate the approver of the top post, and nothing else
about the documents can be changed there."""

from django.urls import reverse

from responsibilities.models import DesignatedApprover


def test_administrator_designates_the_approver_of_the_top_post(client, org_tree):
    client.force_login(org_tree.admin_user)
    url = reverse("admin:responsibilities_designatedapprover_add")
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": org_tree.gm_post.pk, "user": org_tree.admin_user.pk})
    assert response.status_code == 302
    designated = DesignatedApprover.objects.get(post=org_tree.gm_post)
    assert designated.user == org_tree.admin_user
    assert designated.history.first().history_user == org_tree.admin_user


def test_hr_cannot_open_the_admin(client, org_tree):
    client.force_login(org_tree.hr_user)
    response = client.get(reverse("admin:responsibilities_designatedapprover_add"), follow=True)
    assert response.status_code == 403


def test_job_descriptions_are_read_only_in_the_admin(client, org_tree):
    client.force_login(org_tree.admin_user)
    assert client.get(reverse("admin:responsibilities_jobdescription_changelist")).status_code == 200
    assert client.get(reverse("admin:responsibilities_jobdescription_add")).status_code == 403
