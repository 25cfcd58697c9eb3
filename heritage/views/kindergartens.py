"""Kindergartens, their class groups and children, for their teachers and the managers."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.access import role_required, scoped, scoped_or_404
from core.roles import MANAGER, TEACHER, has_role

from ..models import ClassGroup, Kindergarten, PlanEntry


@require_safe
@role_required(TEACHER)
def kindergarten_list(request):
    kindergartens = (
        scoped(Kindergarten, request.user)
        .annotate(
            class_count=Count("class_groups", distinct=True),
            child_count=Count("class_groups__children", distinct=True),
        )
        .order_by("name")
    )
    page = Paginator(kindergartens, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "heritage/kindergarten_list.html",
        {"page_obj": page, "can_import": has_role(request.user, MANAGER)},
    )


@require_safe
@role_required(TEACHER)
def kindergarten_detail(request, pk):
    kindergarten = scoped_or_404(Kindergarten, request.user, pk=pk)
    class_groups = (
        kindergarten.class_groups.select_related("teacher")
        .annotate(child_count=Count("children"))
        .order_by("name")
    )
    return render(
        request,
        "heritage/kindergarten_detail.html",
        {
            "kindergarten": kindergarten,
            "class_groups": class_groups,
            "teachers": kindergarten.teachers.order_by("first_name"),
            "plan": PlanEntry.objects.filter(kindergarten=kindergarten).select_related(
                "season", "craft", "craftsman"
            ),
        },
    )


@require_safe
@role_required(TEACHER)
def class_group_detail(request, pk):
    class_group = scoped_or_404(
        ClassGroup.objects.select_related("kindergarten", "teacher"), request.user, pk=pk
    )
    children = class_group.children.order_by("display_name", "pk")
    page = Paginator(children, 60).get_page(request.GET.get("page"))
    return render(
        request,
        "heritage/class_group_detail.html",
        {
            "class_group": class_group,
            "page_obj": page,
            "today": timezone.localdate(),
            "can_schedule": has_role(request.user, TEACHER, MANAGER),
        },
    )
