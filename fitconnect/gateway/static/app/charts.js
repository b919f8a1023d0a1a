// Charts drawn with uPlot (static/vendor): time series with drag-to-zoom (double-click
// resets), sized to their container and redrawn when it changes width (phone or desktop).

const COLORS = ["#0b5cad", "#a4161a", "#1e6b32", "#7a4b00", "#5b2a86"];

/**
 * A line chart into ``element``: ``x`` in seconds (epoch or durations), ``lines`` as
 * [{label, values}], nulls as gaps. ``time``: whether x is a time of day (else seconds);
 * ``xRange``: [min, max] of the x axis, or uPlot's range function (else the data's own).
 * Returns the uPlot instance (tests read its data length), or null without uPlot.
 */
export function lineChart(element, x, lines, { time = true, height = 240, xLabel, xRange } = {}) {
  element.replaceChildren();
  if (!window.uPlot) {
    element.textContent = "Charts are unavailable: the chart library was not installed (run make).";
    return null;
  }
  const options = {
    width: Math.max(element.clientWidth, 280),
    height,
    scales: { x: xRange ? { time, range: typeof xRange === "function" ? xRange : () => xRange } : { time } },
    cursor: { drag: { x: true, y: false } },
    axes: [{ label: xLabel }, {}],
    series: [
      {},
      ...lines.map((line, i) => ({
        label: line.label,
        stroke: line.color || COLORS[i % COLORS.length],
        width: 2,
        spanGaps: false,
      })),
    ],
  };
  const chart = new window.uPlot(options, [x, ...lines.map((l) => l.values)], element);
  element.dataset.points = String(x.length);
  const resize = new ResizeObserver(() => {
    const width = Math.max(element.clientWidth, 280);
    if (Math.abs(width - chart.width) > 4) chart.setSize({ width, height });
  });
  resize.observe(element);
  return chart;
}

/** ISO timestamps as uPlot's x values (seconds since the epoch). */
export function seconds(isoTimes) {
  return isoTimes.map((t) => Date.parse(t) / 1000);
}
