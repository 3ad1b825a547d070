"""« Promotions » (every staff member): discount codes and automatic promotions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.promotions.models import Promotion

from ..forms.promotions import PromotionForm
from ..permissions import staff_required

PROMOTIONS_PER_PAGE = 25


@staff_required
def promotion_list(request):
    promotions = Promotion.objects.annotate(used=Count("usages")).order_by("-is_active", "-pk")
    page = Paginator(promotions, PROMOTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "configuration/promotions/list.html", {"nav": "promotions", "page": page})


@staff_required
def promotion_form(request, pk=None):
    promotion = get_object_or_404(Promotion, pk=pk) if pk else None
    form = PromotionForm(request.POST or None, instance=promotion)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        messages.success(request, _("The promotion « %(name)s » has been saved.") % {"name": saved.name})
        return redirect("configuration:promotion_list")
    return render(request, "configuration/promotions/form.html", {
        "nav": "promotions", "form": form, "promotion": promotion,
        "used": promotion.usages.count() if promotion else 0,
    }, status=400 if form.is_bound else 200)


@staff_required
@require_POST
def promotion_toggle(request, pk):
    promotion = get_object_or_404(Promotion, pk=pk)
    promotion.is_active = not promotion.is_active
    promotion.save(update_fields=["is_active"])
    text = _("« %(name)s » is active.") if promotion.is_active else _("« %(name)s » is deactivated.")
    messages.success(request, text % {"name": promotion.name})
    return redirect("configuration:promotion_list")
