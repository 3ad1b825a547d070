"""« Tableau de bord »: the first page after sign-in — what to do today, how the shop is doing."""

from django.shortcuts import render
from django.utils import timezone

from comptoir.core.i18n import current_language
from comptoir.merchant.models import ShopSettings
from comptoir.reports import insight

from ..access import staff_required
from ..charts import daily_chart, share_bars


@staff_required
def home(request):
    shop = ShopSettings.load()
    today = timezone.localdate()
    performance = insight.performance(today, language=current_language())
    return render(request, "dashboard/home.html", {
        "nav": "home", "today": today, "todo": insight.todo(shop), "performance": performance,
        "sales_chart": daily_chart(performance.days, value="sales"),
        "orders_chart": daily_chart(performance.days, value="orders"),
        "payment_shares": share_bars(performance.payment_shares),
        "delivery_shares": share_bars(performance.delivery_shares),
        "count_cap": insight.COUNT_CAP,
    })
