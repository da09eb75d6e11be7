"""factory-boy factories for the organisation.

They write rows straight through the ORM (no services, no validation) so fixtures are quick;
tests that are about the rules go through ``org.services`` instead.

Dates are relative to ``org.models.today()``: the company exists for three years, people
were hired before it was set up in this system, and assignments run since a year ago, so
tests have room to put things in the past and the future.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from org.choices import AssignmentKind
from org.models import Assignment, Department, Employee, Post, PostRelation, today

#: Days before today on which the fixture organisation, hiring and assignments start.
FOUNDED_DAYS_AGO = 3 * 365
HIRED_DAYS_AGO = 3 * 365 + 30
ASSIGNED_DAYS_AGO = 365

#: The password of every factory user (hashing is cheap in tests, see conftest).
PASSWORD = "correct-horse-battery-staple"


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def days_ahead(days: int) -> datetime.date:
    return today() + datetime.timedelta(days=days)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)
    is_active = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """``UserFactory(groups=["HR"])``: add to the role groups of those names."""
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=str(name)) for name in extracted])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"Department {n}")
    valid_from = factory.LazyFunction(lambda: days_ago(FOUNDED_DAYS_AGO))


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"P{n:04d}")
    title = factory.Sequence(lambda n: f"Post {n}")
    department = factory.SubFactory(DepartmentFactory)
    headcount = 1
    valid_from = factory.LazyFunction(lambda: days_ago(FOUNDED_DAYS_AGO))


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    number = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"Employee {n}")
    user = None
    hire_date = factory.LazyFunction(lambda: days_ago(HIRED_DAYS_AGO))


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    employee = factory.SubFactory(EmployeeFactory)
    post = factory.SubFactory(PostFactory)
    kind = AssignmentKind.PRIMARY
    start = factory.LazyFunction(lambda: days_ago(ASSIGNED_DAYS_AGO))
    end = None


class PostRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostRelation

    source = factory.SubFactory(PostFactory)
    target = factory.SubFactory(PostFactory)
    kind = "functional"
    valid_from = factory.LazyFunction(lambda: days_ago(FOUNDED_DAYS_AGO))
