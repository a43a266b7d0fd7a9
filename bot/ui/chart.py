"""The /stats picture: a calendar heatmap of practice and per-topic mastery bars (PNG).

matplotlib is imported on first use: it costs tens of megabytes and a second of start-up,
which only users asking for the chart should pay. Rendering is CPU work, so callers run
``render_png`` in a thread (``asyncio.to_thread``), never on the event loop.
"""

import io
from datetime import date, timedelta
from typing import Any

from bot.quiz.stats import TopicProgress
from bot.quiz.taxonomy import TOPICS
from bot.ui import texts

_GREENS = ["#9be9a8", "#40c463", "#30a14e", "#216e39"]
_WEEKDAYS = ["Пн", "", "Ср", "", "Пт", "", "Вс"]
_MONTHS = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]


def calendar_grid(today: date, counts: dict[date, int], weeks: int) -> tuple[list[list[int]], date]:
    """A 7 × weeks grid (rows Monday..Sunday, columns oldest week first) and its first day."""
    last_monday = today - timedelta(days=today.weekday())
    first = last_monday - timedelta(weeks=weeks - 1)
    grid = [[0] * weeks for _ in range(7)]
    for col in range(weeks):
        for row in range(7):
            day = first + timedelta(days=col * 7 + row)
            grid[row][col] = counts.get(day, 0) if day <= today else -1
    return grid, first


def render_png(
    today: date, counts: dict[date, int], topics: list[TopicProgress], weeks: int = 26
) -> bytes:
    # A Figure with its own Agg canvas, not pyplot: pyplot's global figure registry is not
    # thread-safe, and charts are drawn in worker threads, several at a time.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    grid, first = calendar_grid(today, counts, weeks)
    peak = max((v for row in grid for v in row), default=0) or 1
    levels = [[-1 if v < 0 else (0 if v == 0 else 1 + min(3, (v * 4 - 1) // peak)) for v in row]
              for row in grid]  # fmt: skip
    colors = ListedColormap(["#ffffff", "#ebedf0", *_GREENS])

    fig = Figure(figsize=(9, 6.2), dpi=110)
    FigureCanvasAgg(fig)
    heat = fig.add_axes((0.08, 0.62, 0.9, 0.3))
    heat.imshow([[v + 1 for v in row] for row in levels], cmap=colors, vmin=0, vmax=5,
                aspect="equal")  # fmt: skip
    heat.set_yticks(range(7), _WEEKDAYS, fontsize=8)
    ticks, labels = _month_ticks(first, weeks)
    heat.set_xticks(ticks, labels, fontsize=8)
    heat.tick_params(length=0)
    for side in heat.spines.values():
        side.set_visible(False)
    heat.set_xticks([x - 0.5 for x in range(weeks + 1)], minor=True)
    heat.set_yticks([y - 0.5 for y in range(8)], minor=True)
    heat.grid(which="minor", color="white", linewidth=2)
    heat.tick_params(which="minor", length=0)
    heat.set_title(texts.CHART_TITLE, fontsize=11, loc="left")
    _legend(fig, ["#ebedf0", *_GREENS])

    bars = fig.add_axes((0.3, 0.07, 0.62, 0.42))
    _topic_bars(bars, topics)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _legend(fig: Any, palette: list[str]) -> None:
    from matplotlib.patches import Rectangle

    right, y, size = 0.93, 0.565, 0.016
    left = right - len(palette) * (size + 0.004)
    fig.text(left - 0.008, y + size / 2, texts.CHART_LESS, ha="right", va="center", fontsize=7)
    for i, color in enumerate(palette):
        fig.add_artist(Rectangle((left + i * (size + 0.004), y), size, size * 1.4,
                                 transform=fig.transFigure, color=color))  # fmt: skip
    fig.text(right + 0.004, y + size / 2, texts.CHART_MORE, ha="left", va="center", fontsize=7)


def _month_ticks(first: date, weeks: int) -> tuple[list[int], list[str]]:
    ticks: list[int] = []
    labels: list[str] = []
    for col in range(weeks):
        monday = first + timedelta(weeks=col)
        if monday.day <= 7:
            ticks.append(col)
            labels.append(_MONTHS[monday.month - 1])
    return ticks, labels


def _topic_bars(axes: Any, topics: list[TopicProgress]) -> None:
    names = [TOPICS[t.topic] for t in topics][::-1]
    shares = [round(t.share * 100) for t in topics][::-1]
    seen = [t.seen for t in topics][::-1]
    axes.barh(names, [100] * len(names), color="#ebedf0")
    axes.barh(names, shares, color="#40c463")
    for y, (share, n) in enumerate(zip(shares, seen, strict=True)):
        axes.text(101, y, f"{share}%" if n else "—", va="center", fontsize=8)
    axes.set_xlim(0, 112)
    axes.set_xticks([0, 25, 50, 75, 100])
    axes.tick_params(labelsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(texts.CHART_TOPICS_TITLE, fontsize=11, loc="left")
