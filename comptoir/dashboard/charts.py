"""Geometry of the home page's SVG charts (the template draws them; no JavaScript)."""

from decimal import Decimal

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 600, 220, 10, 30, 8


def daily_chart(days: list[dict], *, value: str) -> dict:
    """Bars for the last 30 days and a line for the same days last year."""
    values = [day[value] for day in days]
    before = [day[f"last_year_{value}"] for day in days]
    highest = max([*values, *before, Decimal(0)]) or 1
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - 2 * LEFT) / max(len(days), 1)
    bars, points, ticks = [], [], []
    for index, day in enumerate(days):
        x = LEFT + index * slot
        height = float(values[index]) / float(highest) * plot_height
        bars.append({"x": round(x + slot * 0.15, 1), "y": round(TOP + plot_height - height, 1),
                     "width": round(slot * 0.7, 1), "height": round(height, 1), "day": day})
        y_before = TOP + plot_height - float(before[index]) / float(highest) * plot_height
        points.append(f"{round(x + slot / 2, 1)},{round(y_before, 1)}")
        if index % 7 == 0 or index == len(days) - 1:
            ticks.append({"x": round(x + slot / 2, 1), "day": day["day"]})
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "line": " ".join(points), "ticks": ticks,
            "baseline": TOP + plot_height, "label_y": HEIGHT - 8, "highest": highest}


def share_bars(shares: list[dict]) -> list[dict]:
    """Horizontal bars (percent of the width) for the shares of payment or delivery methods."""
    return [{**share, "width": max(share["percent"], 1)} for share in shares]
