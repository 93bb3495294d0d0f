"""A chart part (`c:chartSpace`) as data: type, title, categories, series.

The numbers come from the caches PowerPoint keeps in the chart XML (what the slide
draws), not from the embedded workbook, which may be missing or out of date.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from eventreport.limits import CHART_POINTS, DECK_CHART_POINTS
from eventreport.model import ChartBlock, ChartSeries
from eventreport.readers.decks.numfmt import shown
from eventreport.readers.decks.xmlnum import part_error, whole
from eventreport.readers.text import one_line

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS = {"c": C, "a": _A}
_PT = f"{{{C}}}pt"
_XY_TYPES = frozenset({"scatterChart", "bubbleChart"})
# Plot types by element name; bar charts are "column" or "bar" by their direction.
_TYPES = {
    "areaChart": "area",
    "area3DChart": "area",
    "lineChart": "line",
    "line3DChart": "line",
    "stockChart": "stock",
    "radarChart": "radar",
    "scatterChart": "scatter",
    "pieChart": "pie",
    "pie3DChart": "pie",
    "ofPieChart": "pie",
    "doughnutChart": "doughnut",
    "bubbleChart": "bubble",
    "surfaceChart": "surface",
    "surface3DChart": "surface",
    "barChart": "bar",
    "bar3DChart": "bar",
}


# Blanks included; reasons in limits.py (a part can repeat a cache thousands of times).
MAX_POINTS = CHART_POINTS
MAX_DECK_POINTS = DECK_CHART_POINTS
_CRAFTED = (
    "the file may be crafted to exhaust memory. Ask the speaker for the file again, or open "
    "the file in PowerPoint and save it again"
)


class PointBudget:
    """The points (blanks included) the charts of one deck may still span."""

    def __init__(self, limit: int = MAX_DECK_POINTS) -> None:
        self.limit = limit
        self.used = 0

    def take(self, count: int, cache: etree._Element, path: Path) -> None:
        """Account for a cache of `count` points, or refuse it before it is allocated."""
        self.used += count
        if self.used > self.limit:
            raise part_error(
                cache,
                path,
                f"the deck's charts span more than {self.limit} data points; {_CRAFTED}",
            )


def read_chart(space: etree._Element, path: Path, budget: PointBudget) -> ChartBlock | None:
    """The chart in a chart part, or None when it plots nothing. `path` is the deck, for
    errors; `budget` the points the deck's charts may still span."""
    return _ChartReader(path, budget).read(space)


class _ChartReader:
    """Reads one chart part; numbers that are damaged or too large raise `ReadError`."""

    def __init__(self, path: Path, budget: PointBudget) -> None:
        self._path = path
        self._budget = budget

    def read(self, space: etree._Element) -> ChartBlock | None:
        plot = space.find("./c:chart/c:plotArea", NS)
        if plot is None:
            return None
        kinds: list[str] = []
        categories: tuple[str, ...] = ()
        ordered: list[tuple[int, ChartSeries]] = []
        for group in plot:
            tag = etree.QName(group).localname if isinstance(group.tag, str) else ""
            if tag not in _TYPES:
                continue
            kind = _TYPES[tag]
            if kind == "bar":
                # The schema's default direction is "col": upright columns.
                direction = group.find("./c:barDir", NS)
                across = direction is not None and direction.get("val") == "bar"
                kind = "bar" if across else "column"
            if kind not in kinds:
                kinds.append(kind)
            for series in group.iterfind("./c:ser", NS):
                order = series.find("./c:order", NS)
                position = (
                    whole(order, "val", self._path, len(ordered))
                    if order is not None
                    else len(ordered)
                )
                if tag in _XY_TYPES:
                    ordered.append((position, self._xy_series(series)))
                    continue
                labels = self._labels(series.find("./c:cat", NS))
                # Series of one chart may cache different spans of the categories (a line
                # over the first 18 of 28 bars); the longest list is the axis.
                if len(labels) > len(categories):
                    categories = labels
                ordered.append((position, self._series(series, "./c:val")))
        if not ordered:
            return None
        series_list = tuple(s for _, s in sorted(ordered, key=lambda item: item[0]))
        return ChartBlock(
            chart_type="+".join(kinds),
            title=_title(space, series_list),
            categories=categories,
            series=series_list,
        )

    def _series(self, series: etree._Element, values_path: str) -> ChartSeries:
        values, texts = self._numbers(series.find(values_path, NS))
        return ChartSeries(name=_name(series), values=values, shown=texts)

    def _xy_series(self, series: etree._Element) -> ChartSeries:
        y, y_texts = self._numbers(series.find("./c:yVal", NS))
        x_data = series.find("./c:xVal", NS)
        x: tuple[float | str | None, ...]
        if x_data is not None and x_data.find(".//c:numCache", NS) is None:
            # Text x values: Excel plots them as 1, 2, 3, ...; the labels are what they mean.
            x = x_texts = self._labels(x_data)
        else:
            x, x_texts = self._numbers(x_data)
        return ChartSeries(name=_name(series), values=y, shown=y_texts, x=x, x_shown=x_texts)

    def _points(
        self, data: etree._Element | None, levels: int = 1
    ) -> tuple[dict[int, etree._Element], int]:
        """A cache's points by index, and how many points it spans (gaps included).
        `levels` is how many lists of that length the caller builds from it."""
        if data is None:
            return {}, 0
        points = {whole(pt, "idx", self._path): pt for pt in data.iter(_PT)}
        count_element = data.find(".//c:ptCount", NS)
        declared = whole(count_element, "val", self._path, 0) if count_element is not None else 0
        # The declared count keeps trailing blanks (a range's empty last cells), but a
        # crafted file can declare billions: both it and the highest index are bounded
        # before any list of that length exists.
        count = max(declared, max(points, default=-1) + 1)
        if count > MAX_POINTS:
            raise part_error(
                data,
                self._path,
                f"a chart series spans {count} data points, more than the {MAX_POINTS} "
                f"any real chart holds; {_CRAFTED}",
            )
        self._budget.take(count * levels, data, self._path)
        return points, count

    def _numbers(
        self, data: etree._Element | None
    ) -> tuple[tuple[float | None, ...], tuple[str, ...]]:
        points, count = self._points(data)
        code = data.findtext(".//c:formatCode", None, NS) if data is not None else None
        values: list[float | None] = []
        texts: list[str] = []
        for index in range(count):
            pt = points.get(index)
            value = _float(pt.findtext("./c:v", "", NS)) if pt is not None else None
            values.append(value)
            if value is None or pt is None:
                texts.append("")
            else:
                texts.append(shown(value, pt.get("formatCode") or code))
        return tuple(values), tuple(texts)

    def _labels(self, data: etree._Element | None) -> tuple[str, ...]:
        """Category labels as shown; multi-level categories joined outer to inner."""
        if data is None:
            return ()
        multi = data.find(".//c:multiLvlStrCache", NS)
        if multi is not None:
            return self._multi_level(multi)
        if data.find(".//c:numCache", NS) is not None:
            return self._numbers(data)[1]
        points, count = self._points(data)
        return tuple(
            one_line(points[i].findtext("./c:v", "", NS)) if i in points else ""
            for i in range(count)
        )

    def _multi_level(self, cache: etree._Element) -> tuple[str, ...]:
        levels = cache.findall("./c:lvl", NS)
        # One list of labels per level, each as long as the cache.
        count = self._points(cache, max(len(levels), 1))[1]
        labels = [[""] * count for _ in levels]
        for depth, level in enumerate(levels):
            last = ""
            by_index = {
                whole(pt, "idx", self._path): pt.findtext("./c:v", "", NS) for pt in level.iter(_PT)
            }
            for index in range(count):
                # An outer label covers the leaves up to the next one.
                last = by_index.get(index, last)
                labels[depth][index] = last
        # The first level is the innermost.
        return tuple(
            one_line(" ".join(labels[d][i] for d in reversed(range(len(levels)))))
            for i in range(count)
        )


def _name(series: etree._Element) -> str | None:
    tx = series.find("./c:tx", NS)
    return _text(tx) if tx is not None else None


def _text(tx: etree._Element) -> str | None:
    """A `c:tx`: rich text, or the cached value of a cell reference (not the formula)."""
    rich = tx.find("./c:rich", NS)
    if rich is not None:
        text = " ".join("".join(p.itertext()) for p in rich.iterfind("./a:p", NS))
    else:
        text = " ".join(v.text or "" for v in tx.iter(f"{{{C}}}v"))
    return one_line(text) or None


def _title(space: etree._Element, series: tuple[ChartSeries, ...]) -> str | None:
    chart = space.find("./c:chart", NS)
    title = chart.find("./c:title", NS) if chart is not None else None
    if title is None:
        return None
    deleted = chart.find("./c:autoTitleDeleted", NS) if chart is not None else None
    tx = title.find("./c:tx", NS)
    if tx is not None:
        return _text(tx)
    if deleted is not None and deleted.get("val") in ("1", "true"):
        return None
    # A title element without text shows the only series' name, as PowerPoint draws it.
    return series[0].name if len(series) == 1 else None


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None  # NaN is a blank point
