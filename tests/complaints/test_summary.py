"""The monthly complaint summary against figures worked out by hand (``summary_data``), its
period handling, who may see it and what they count, its query count, and the follow-up list."""

import pytest
from django.urls import reverse

from complaints.summary import PeriodError, build_summary, month_period, pareto_svg, period_from_query
from tests.complaints import records, summary_data
from tests.complaints.summary_data import YEAR

EXPECTED = summary_data.EXPECTED


@pytest.fixture
def p(org_tree):
    return records.people(org_tree)


@pytest.fixture
def data(p):
    return summary_data.build(p)


def test_october_figures_match_the_hand_computed_ones(p, data):
    s = build_summary(p.qm, month_period(f"{YEAR}-10"))
    assert (s.total, s.voided) == (EXPECTED["total"], EXPECTED["voided"])
    assert [(r["label"], r["count"], r["share"]) for r in s.by_customer] == EXPECTED["by_customer"]
    assert [(r["label"], r["count"]) for r in s.by_product] == EXPECTED["by_product"]
    assert [(r["key"], r["count"], r["share"], r["cumulative"]) for r in s.pareto] == EXPECTED["pareto"]
    assert s.validity == EXPECTED["validity"]
    assert s.by_severity == EXPECTED["severity"]
    assert (s.open_count, s.overdue_count) == (EXPECTED["open"], EXPECTED["overdue"])
    assert [c.number for c in s.overdue] == [data["D"].number]
    assert s.mean_first_handling_hours == EXPECTED["mean_first_handling"]
    assert s.mean_closure_hours == EXPECTED["mean_closure"]
    assert s.reopened_count == EXPECTED["reopened"]


def test_on_time_rate_of_each_deadline(p, data):
    s = build_summary(p.qm, month_period(f"{YEAR}-10"))
    got = {d["step"]: (d["on_time"], d["late"], d["open_overdue"], d["rate"]) for d in s.deadlines}
    assert got == EXPECTED["deadlines"]


def test_returns_and_claims_of_the_month(p, data):
    s = build_summary(p.qm, month_period(f"{YEAR}-10"))
    for key, value in EXPECTED["returns"].items():
        assert s.returns[key] == value, key
    for key, value in EXPECTED["claims"].items():
        assert s.claims[key] == value, key


def test_a_reopened_complaint_counts_by_its_final_closure_and_not_while_open(p, data):
    b = data["B"]
    b.status = "root_cause"
    b.save(update_fields=["status"])
    s = build_summary(p.qm, month_period(f"{YEAR}-10"))
    assert s.closed_count == 2
    assert s.mean_closure_hours == 132.0  # (240 + 24) / 2: B is open again


def test_a_date_range_covers_the_days_given(p, data):
    s = build_summary(p.qm, period_from_query({"from": f"{YEAR}-10-01", "to": f"{YEAR}-10-10"}))
    assert s.total == 2  # A and B; E is void
    s = build_summary(p.qm, period_from_query({"from": f"{YEAR}-09-30", "to": f"{YEAR}-10-31"}))
    assert s.total == 6  # F joins


def test_periods_that_cannot_be_read_are_refused():
    for params in (
        {"month": f"{YEAR}-13"},
        {"month": "x"},
        {"from": f"{YEAR}-10-05", "to": f"{YEAR}-10-01"},
        {"from": f"{YEAR}-10-05"},
    ):
        with pytest.raises(PeriodError):
            period_from_query(params)


def test_figures_count_only_the_complaints_the_user_may_see(p, data):
    from django.contrib.auth import get_user_model

    sales2 = get_user_model().objects.get(username="sales2")
    s = build_summary(sales2, month_period(f"{YEAR}-10"))
    assert s.total == 1 and [r["label"] for r in s.by_customer] == ["Beta Motors"]
    assert s.returns["count"] == 0 and s.claims["count"] == 0
    assert build_summary(p.gm, month_period(f"{YEAR}-10")).total == EXPECTED["total"]
    assert build_summary(p.auditor, month_period(f"{YEAR}-10")).total == EXPECTED["total"]


def test_pareto_svg_has_a_bar_per_category_and_the_cumulative_line(p, data):
    s = build_summary(p.qm, month_period(f"{YEAR}-10"))
    svg = pareto_svg(s.pareto, title=f"{YEAR}-10")
    assert svg.count('class="bar"') == 3
    assert 'class="cumulative"' in svg and "100%" in svg


def test_pareto_svg_escapes_labels():
    svg = pareto_svg([{"label": "<script>", "count": 1, "cumulative": 100.0}])
    assert "<script>" not in svg and "&lt;script&gt;" in svg


# Views ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("complaints:summary"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_user_outside_the_complaints_work_gets_403(client, p):
    client.force_login(p.tree.no_employee_user)
    assert client.get(reverse("complaints:summary")).status_code == 403
    assert client.get(reverse("complaints:summary_xlsx") + f"?month={YEAR}-10").status_code == 403
    assert client.get(reverse("complaints:followup_list")).status_code == 403


def test_summary_page_shows_the_figures(client, p, data):
    client.force_login(p.qm)
    response = client.get(reverse("complaints:summary") + f"?month={YEAR}-10")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["summary"].total == 5
    assert "Alpha Auto" in html and "<svg" in html and 'class="cumulative"' in html
    assert data["D"].number in html


def test_bad_month_shows_an_error_and_the_current_month(client, p):
    client.force_login(p.qm)
    response = client.get(reverse("complaints:summary") + f"?month={YEAR}-99")
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert client.get(reverse("complaints:summary_xlsx") + f"?month={YEAR}-99").status_code == 400


def test_summary_page_query_count_does_not_grow(client, p, data, django_assert_max_num_queries):
    client.force_login(p.qm)
    url = reverse("complaints:summary") + f"?month={YEAR}-10"
    with django_assert_max_num_queries(16):
        client.get(url)
    for i in range(15):
        records.complaint(
            registered_by=p.sales,
            cust=records.customer(f"N{i}", f"New {i}"),
            product=f"Q{i}",
            received_at=summary_data.at(10, 14, 8),
        )
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.context["summary"].total == 20


def test_follow_up_list_shows_closed_complaints_awaiting_a_call(client, p, data):
    client.force_login(p.qm)
    response = client.get(reverse("complaints:followup_list") + f"?month={YEAR}-10")
    html = response.content.decode()
    awaiting = [row["complaint"].number for row in response.context["rows"]["awaiting"]]
    assert sorted(awaiting) == sorted([data["B"].number, data["C"].number])
    assert data["A"].number not in awaiting  # archived after its call
    assert data["B"].number in html


def test_follow_up_list_query_count_does_not_grow(client, p, data, django_assert_max_num_queries):
    client.force_login(p.qm)
    url = reverse("complaints:followup_list") + f"?month={YEAR}-10"
    with django_assert_max_num_queries(12):
        client.get(url)
    for _ in range(6):
        records.complaint(registered_by=p.sales, status="closed", closed_at=summary_data.at(10, 30, 8))
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert len(response.context["rows"]["awaiting"]) == 8


def test_pareto_count_axis_labels_only_whole_numbers():
    import re

    from complaints.summary import pareto_svg

    svg = pareto_svg([{"label": "A", "count": 1, "share": 100, "cumulative": 100}], title="t")
    labels = re.findall(r'text-anchor="end" fill="#444">([^<]*)<', svg)
    assert labels == ["0", "1"]
