"""« Produits » and « Catégories » (every staff member)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog.models import Category, Product
from comptoir.catalog.selectors import with_variants
from comptoir.core.errors import DomainError
from comptoir.core.shared_state import configuration_changed

from .. import selectors, services
from ..forms.catalog import CategoryForm, ProductFilterForm, ProductForm, StockAdjustmentForm
from ..permissions import staff_required

PRODUCTS_PER_PAGE = 25


@staff_required
def product_list(request):
    filters = ProductFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    products = selectors.filtered_products(
        q=(criteria.get("q") or "").strip(), category=criteria.get("category"),
        visibility=criteria.get("visibility") or "", stock=criteria.get("stock") or "",
    )
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = with_variants(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "configuration/products/list.html", {
        "nav": "products", "filters": filters, "page": page, "query": query.urlencode(),
    })


@staff_required
def product_create(request):
    form = ProductForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            product = form.save(commit=False)
            product.position = services.next_position(Product)
            services.create_product(product, actor=request.user)
            messages.success(request, _("The product %(name)s has been created.") % {"name": product.name})
            return redirect("configuration:product_edit", pk=product.pk)
    return render(request, "configuration/products/form.html", {"nav": "products", "form": form},
                  status=400 if form.is_bound and form.errors else 200)


def _product_page(request, product, *, form, stock_form, status=200):
    movements = product.stock_movements.select_related("actor")[:10]
    return render(request, "configuration/products/form.html", {
        "nav": "products", "product": product, "form": form, "stock_form": stock_form,
        "movements": movements,
    }, status=status)


@staff_required
def product_edit(request, pk):
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
    if request.method == "POST":
        form = ProductForm(request.POST, request.FILES, instance=product)
        if form.is_valid():
            services.update_product(form.save(commit=False), fields=list(form.fields))
            messages.success(request, _("The product has been saved."))
            return redirect("configuration:product_edit", pk=product.pk)
        product.refresh_from_db()
        return _product_page(request, product, form=form, stock_form=StockAdjustmentForm(), status=400)
    return _product_page(request, product, form=ProductForm(instance=product),
                         stock_form=StockAdjustmentForm())


@staff_required
@require_POST
def product_adjust_stock(request, pk):
    product = get_object_or_404(Product, pk=pk)
    stock_form = StockAdjustmentForm(request.POST)
    if stock_form.is_valid():
        try:
            product = services.adjust_stock(product, actor=request.user, **stock_form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The stock of %(name)s is now %(stock)s.")
                             % {"name": product.name, "stock": product.stock})
            return redirect("configuration:product_edit", pk=product.pk)
    return _product_page(request, product, form=ProductForm(instance=product),
                         stock_form=stock_form, status=400)


@staff_required
@require_POST
def product_toggle(request, pk):
    product = get_object_or_404(Product, pk=pk)
    product.is_visible = not product.is_visible
    product.save(update_fields=["is_visible", "updated_at"])
    text = _("%(name)s is visible in the shop.") if product.is_visible else _(
        "%(name)s is hidden from the shop.")
    messages.success(request, text % {"name": product.name})
    return redirect(request.POST.get("next") if _safe_next(request) else "configuration:product_list")


def _safe_next(request) -> bool:
    return url_has_allowed_host_and_scheme(request.POST.get("next"), {request.get_host()})


@staff_required
def category_list(request):
    categories = selectors.categories_with_parents().annotate(product_count=Count("products"))
    return render(request, "configuration/categories/list.html",
                  {"nav": "categories", "categories": categories})


@staff_required
def category_form(request, pk=None):
    category = get_object_or_404(Category, pk=pk) if pk else None
    form = CategoryForm(request.POST or None, request.FILES or None, instance=category)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save(commit=False)
            if category is None:
                saved.position = services.next_position(Category)
            services.save_category(saved)
            configuration_changed()
            messages.success(request, _("The category %(name)s has been saved.") % {"name": saved.name})
            return redirect("configuration:category_list")
    return render(request, "configuration/categories/form.html",
                  {"nav": "categories", "form": form, "category": category},
                  status=400 if form.is_bound and form.errors else 200)


@staff_required
@require_POST
def category_toggle(request, pk):
    category = get_object_or_404(Category, pk=pk)
    category.is_visible = not category.is_visible
    category.save(update_fields=["is_visible"])
    configuration_changed()
    text = _("%(name)s is visible in the shop.") if category.is_visible else _(
        "%(name)s is hidden from the shop.")
    messages.success(request, text % {"name": category.name})
    return redirect("configuration:category_list")


@staff_required
@require_POST
def category_move(request, pk, direction):
    category = get_object_or_404(Category, pk=pk)
    services.move_in_order(category, direction=direction, queryset=Category.objects.all())
    configuration_changed()
    return redirect("configuration:category_list")
