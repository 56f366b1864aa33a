// The report page's own script: draws the charts with uPlot (inlined before it) from the JSON in
// #report-data. Coordinates are floats; every number a person reads in a legend is the exact
// decimal text computed by futures-ledger.
/* global uPlot */
(() => {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const utc = (seconds) => uPlot.tzDate(new Date(seconds * 1e3), "Etc/UTC");
  const exact = (texts) => (_u, _v, _s, i) => i == null ? "" : texts[i] ?? "—";
  const charts = [];
  // Value axis: as many decimals as the tick step has (0.00002 BTC steps print as 0.00016).
  const decimals = (x) => {
    const [digits, exponent] = String(+x.toPrecision(8)).split("e-");
    return (digits.split(".")[1]?.length ?? 0) + Number(exponent ?? 0);
  };
  const valueAxis = {
    values: (_u, splits) => {
      const step = splits.length > 1 ? Math.abs(splits[1] - splits[0]) : Math.abs(splits[0]);
      const places = Math.min(12, decimals(step || 1));
      return splits.map((v) => v.toFixed(places));
    },
    size: (_u, values) => values ? Math.max(...values.map((v) => v.length)) * 7 + 24 : 50,
  };
  const place = (kind, index) =>
    document.querySelector(`[data-chart="${kind}"][data-asset-index="${index}"]`);

  data.assets.forEach((asset, index) => {
    const curve = place("equity", index);
    if (curve && asset.equity.t.length > 0) {
      const step = uPlot.paths.stepped({ align: 1 });
      const options = {
        width: curve.clientWidth,
        height: 300,
        tzDate: utc,
        scales: { x: { time: true } },
        series: [
          { label: "Time (UTC)" },
          {
            label: `Cumulative net P&L (${asset.asset})`,
            stroke: "#1f6feb",
            width: 2,
            paths: step,
            value: exact(asset.equity.equityText),
          },
          {
            label: `Drawdown (${asset.asset})`,
            stroke: "#d1242f",
            fill: "rgba(209, 36, 47, 0.18)",
            fillTo: 0,
            paths: step,
            value: exact(asset.equity.drawdownText),
          },
        ],
        axes: [{}, valueAxis],
      };
      const points = [asset.equity.t, asset.equity.equity, asset.equity.drawdown];
      charts.push([curve, new uPlot(options, points, curve)]);
    }
    const bars = place("symbols", index);
    if (bars && asset.symbols.names.length > 0) {
      const names = asset.symbols.names;
      const many = names.length > 8;
      const bar = uPlot.paths.bars({ size: [0.7, 48] });
      const options = {
        width: bars.clientWidth,
        height: many ? 300 : 240,
        legend: { show: false },
        scales: {
          x: { time: false, range: [-0.5, names.length - 0.5] },
          // Bars start at zero: the y range always includes it.
          y: {
            range: { min: { pad: 0.1, soft: 0, mode: 1 }, max: { pad: 0.1, soft: 0, mode: 1 } },
          },
        },
        series: [
          {},
          {
            label: "Profit",
            fill: "#1a7f37",
            stroke: "#1a7f37",
            paths: bar,
            points: { show: false },
          },
          {
            label: "Loss",
            fill: "#d1242f",
            stroke: "#d1242f",
            paths: bar,
            points: { show: false },
          },
        ],
        axes: [
          {
            splits: () => names.map((_, i) => i),
            values: (_u, splits) => splits.map((i) => names[i] ?? ""),
            rotate: many ? -45 : 0,
            size: many ? 90 : 40,
            grid: { show: false },
          },
          valueAxis,
        ],
      };
      const x = names.map((_, i) => i);
      const points = [x, asset.symbols.profit, asset.symbols.loss];
      charts.push([bars, new uPlot(options, points, bars)]);
    }
  });

  addEventListener("resize", () => {
    for (const [element, chart] of charts) {
      chart.setSize({ width: element.clientWidth, height: chart.height });
    }
  });
  document.body.dataset.charts = String(charts.length);
})();
