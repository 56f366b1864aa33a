/**
 * The `report` command: statistics checked against hand-worked numbers, the real CLI writing the
 * page, and the page opened in headless Chromium (chart drawn, no request, screenshot).
 */
import assert from "node:assert/strict";
import { aggregatePositions } from "../src/ledger/aggregate.ts";
import { roundTripStats } from "../src/report/stats.ts";
import { positionsCsv, readPositionsFile } from "../src/storage/positions_file.ts";
import { DataFileError } from "../src/storage/data_file.ts";
import { Browser, chromiumMissing } from "./support/chromium.ts";
import { runCli } from "./support/cli.ts";
import { f } from "./support/fills.ts";
import { at } from "./support/indexed.ts";

const eth = { symbol: "ETHUSDT" };
const sol = { symbol: "SOLUSDT" };
const perp = {
  market: "coinm",
  symbol: "BTCUSD_PERP",
  marginAsset: "BTC",
  commissionAsset: "BTC",
} as const;

/**
 * Hand-worked account (times: id seconds after 2025-01-01T00:00:00Z). Net P&L of the round trips:
 * USDT: BTCUSDT long +9.8 (t2), short −20.4 (t4), long +29.9 (t6, its other fee is 0.0002 BNB);
 * ETHUSDT short +4.9 (t8), long −1 (t10); SOLUSDT long 0 (t15); ETHUSDT long 3 still open.
 * BTC (COIN-M): BTCUSD_PERP long +0.00016182 (t13).
 */
const FILLS = [
  f(1, "BUY", "1", "100", { commission: "0.1" }),
  f(2, "SELL", "1", "110", { commission: "0.1", realizedPnl: "10" }),
  f(3, "SELL", "2", "110", { commission: "0.2" }),
  f(4, "BUY", "2", "120", { commission: "0.2", realizedPnl: "-20" }),
  f(5, "BUY", "1", "120", { commission: "0.0002", commissionAsset: "BNB" }),
  f(6, "SELL", "1", "150", { commission: "0.1", realizedPnl: "30" }),
  f(7, "SELL", "1", "10", { ...eth, commission: "0.05" }),
  f(8, "BUY", "1", "5", { ...eth, commission: "0.05", realizedPnl: "5" }),
  f(9, "BUY", "1", "5", eth),
  f(10, "SELL", "1", "4", { ...eth, realizedPnl: "-1" }),
  f(11, "BUY", "3", "4", { ...eth, commission: "0.01" }),
  f(12, "BUY", "10", "50000", { ...perp, commission: "0.00001" }),
  f(13, "SELL", "10", "55000", { ...perp, commission: "0.00001", realizedPnl: "0.00018182" }),
  f(14, "BUY", "1", "20", sol),
  f(15, "SELL", "1", "20", sol),
];

/** An open position whose note tries to inject markup and script into the page. */
const HOSTILE_NOTE = `<img src=x onerror=alert(1)></script><script>alert(2)</script>"'&`;
const HOSTILE_ROW = "OPEN,XRPUSDT,LONG,2025-01-01T00:00:20.000Z,,1,1,0,0,0,1,0,,1,BOTH,20,,1,0," +
  `usdm,USDT,,"${HOSTILE_NOTE.replaceAll('"', '""')}",,,\n`;

/** The statistics as shown: rounded half-even to 2 decimals (USDT) or 8 (BTC). */
const USDT_STATS = {
  "net-pnl": "23.20",
  "round-trips": "6",
  "win-rate": "50.00%",
  "profit-factor": "2.0841", // 44.6 / 21.4 = 2.08411…
  "average-win": "14.87",
  "average-loss": "-10.70",
  "largest-win": "29.90",
  "largest-loss": "-20.40",
  "gross-profit": "44.60",
  "gross-loss": "-21.40",
  "max-drawdown": "-20.40", // 9.8 → −10.6
  expectancy: "3.87", // 23.2 / 6
  "win-streak": "2", // +29.9 (t6), +4.9 (t8)
  "loss-streak": "1",
};
/** Their exact values, in each amount's title (hover). */
const USDT_EXACT = {
  "net-pnl": "23.2",
  "average-win": "14.86666667", // 44.6 / 3
  "average-loss": "-10.7", // −21.4 / 2
  "largest-win": "29.9",
  "largest-loss": "-20.4",
  "gross-profit": "44.6",
  "gross-loss": "-21.4",
  "max-drawdown": "-20.4",
  expectancy: "3.86666667",
};
const BTC_STATS = {
  "net-pnl": "0.00016182",
  "round-trips": "1",
  "win-rate": "100.00%",
  "profit-factor": "—",
  "average-win": "0.00016182",
  "average-loss": "—",
  "largest-win": "0.00016182",
  "largest-loss": "—",
  "gross-profit": "0.00016182",
  "gross-loss": "0.00000000",
  "max-drawdown": "0.00000000",
  expectancy: "0.00016182",
  "win-streak": "1",
  "loss-streak": "0",
};

const cli = (cwd: string, ...args: string[]) => runCli({ cwd }, ...args);
const chromiumSkip = await chromiumMissing();

Deno.test("report", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "report-test-" });
  const ledgerCsv = positionsCsv(aggregatePositions(FILLS));
  await Deno.writeTextFile(`${dir}/futures_positions.csv`, ledgerCsv + HOSTILE_ROW);
  try {
    await t.step("statistics per margin asset, by hand", async () => {
      const { positions } = await readPositionsFile(`${dir}/futures_positions.csv`);
      const [btc, usdt] = roundTripStats(positions);
      assert.ok(btc !== undefined && usdt !== undefined, "two margin assets");
      assert.equal(btc.asset, "BTC");
      assert.equal(usdt.asset, "USDT");
      assert.deepEqual(
        usdt.equity.map((p) => [(p.time - Date.UTC(2025, 0, 1)) / 1000, `${p.equity}`]),
        [[2, "9.8"], [4, "-10.6"], [6, "19.3"], [8, "24.2"], [10, "23.2"], [15, "23.2"]],
      );
      assert.deepEqual(usdt.equity.map((p) => `${p.drawdown}`), [
        "0",
        "-20.4",
        "0",
        "0",
        "-1",
        "-1",
      ]);
      assert.deepEqual(
        usdt.bySymbol.map((s) => [s.symbol, s.count, s.wins, s.losses, `${s.net}`]),
        [
          ["BTCUSDT", 3, 2, 1, "19.3"],
          ["ETHUSDT", 2, 1, 1, "3.9"],
          ["SOLUSDT", 1, 0, 0, "0"],
        ],
      );
      assert.equal(`${usdt.byDirection.LONG.net}`, "38.7");
      assert.equal(`${usdt.byDirection.SHORT.net}`, "-15.5");
      assert.equal(`${usdt.profitFactor}`, "2.0841");
      assert.equal(btc.profitFactor, undefined);
    });

    await t.step("the CLI writes report.html with the hand-worked figures", async () => {
      const { code, stdout, stderr } = await cli(dir, "report");
      assert.equal(code, 0, stderr);
      assert.match(stdout, /9 positions \(7 round trips, 2 open\) → report written to report.html/);
      // A contract the file does not have (a typo): said, not an empty report without a word.
      const typo = await cli(dir, "report", "--symbols", "SOLUSDT,NOPE", "--out", "typo.html");
      assert.equal(typo.code, 0, typo.stderr);
      assert.match(typo.stderr, /note: --symbols: no position of NOPE in /);
      assert.match(typo.stdout, /^1 position of 9, .*\(1 round trip, 0 open\)/);
      await Deno.remove(`${dir}/typo.html`);
      const html = await Deno.readTextFile(`${dir}/report.html`);
      assert.deepEqual(statsOf(html, "USDT"), USDT_STATS);
      assert.deepEqual(exactStatsOf(html, "USDT"), USDT_EXACT);
      assert.deepEqual(statsOf(html, "BTC"), BTC_STATS);
      assert.deepEqual(tableOf(html, "by-direction", "USDT"), [
        ["Long", "4", "2", "1", "50.00%", "38.70"],
        ["Short", "2", "1", "1", "50.00%", "-15.50"],
      ]);
      assert.deepEqual(tableOf(html, "by-symbol", "USDT"), [
        ["BTCUSDT", "3", "2", "1", "66.67%", "19.30"],
        ["ETHUSDT", "2", "1", "1", "50.00%", "3.90"],
        ["SOLUSDT", "1", "0", "0", "0.00%", "0.00"],
      ]);
      assert.deepEqual(tableOf(html, "fees"), [
        ["BNB", "0.00020000", "not synced"],
        ["BTC", "0.00002000", "not synced"],
        ["USDT", "0.81", "not synced"],
      ]);
      assert.deepEqual(tableOf(html, "open-positions").map((row) => row.slice(0, 10)), [
        [
          "ETHUSDT",
          "usdm",
          "BOTH",
          "LONG",
          "OPEN",
          "2025-01-01 00:00:11",
          "3",
          "4",
          "0.00",
          "0.01",
        ],
        [
          "XRPUSDT",
          "usdm",
          "BOTH",
          "LONG",
          "OPEN",
          "2025-01-01 00:00:20",
          "1",
          "1",
          "0.00",
          "0.00",
        ],
      ]);
      // The calendar (every round trip closed on 2025-01-01) and the year's total.
      assert.deepEqual(tableOf(html, "months", "USDT"), [
        ["2025", "23.20", "", "", "", "", "", "", "", "", "", "", "", "23.20"],
      ]);
      assert.match(sectionOf(html, "USDT"), /data-day="2025-01-01" data-count="6">/);
      const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
      assert.deepEqual(names, ["futures_positions.csv", "report.html"], "no temporary file left");
    });

    await t.step(
      "self-contained and escaped: no URL to fetch, the hostile note is text",
      async () => {
        const html = await Deno.readTextFile(`${dir}/report.html`);
        assert.doesNotMatch(html, /<(script|link|img|iframe)[^>]*\s(src|href)=/i);
        assert.doesNotMatch(html, /@import|url\(\s*['"]?https?:/i);
        assert.match(
          html,
          /Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/,
        );
        assert.ok(!html.includes("<img src=x"));
        assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;&lt;script&gt;"));
        assert.equal(
          html.match(/<script/g)?.length,
          3,
          "the data block, uPlot and the page script",
        );
      },
    );

    await t.step("funding from the income file's FUNDING_FEE rows, per asset", async () => {
      await Deno.writeTextFile(
        `${dir}/futures_income.csv`,
        "time,symbol,incomeType,income,asset,info,tranId,tradeId,market\n" +
          "2025-01-01T08:00:00.000Z,BTCUSDT,FUNDING_FEE,-0.5,USDT,,1,,usdm\n" +
          "2025-01-01T16:00:00.000Z,BTCUSDT,FUNDING_FEE,0.2,USDT,,2,,usdm\n" +
          "2025-01-01T16:00:00.000Z,BTCUSDT,COMMISSION,-0.1,USDT,,3,4,usdm\n" +
          "2025-01-01T16:00:00.000Z,BTCUSD_PERP,FUNDING_FEE,-0.000001,BTC,,4,,coinm\n",
      );
      const { code, stderr } = await cli(dir, "report", "--out", "income.html");
      assert.equal(code, 0, stderr);
      const html = await Deno.readTextFile(`${dir}/income.html`);
      assert.deepEqual(tableOf(html, "fees"), [
        ["BNB", "0.00020000", "0.00000000"],
        ["BTC", "0.00002000", "-0.00000100"],
        ["USDT", "0.81", "-0.30"],
      ]);
      assert.match(html, /data-funding-source="income"/);
      await Deno.remove(`${dir}/futures_income.csv`);
      await Deno.remove(`${dir}/income.html`);
    });

    await t.step("net_pnl and funding columns are used when the file has them", async () => {
      const [header, ...rows] = ledgerCsv.trimEnd().split("\n");
      // The first round trip paid 0.3 of funding: net_pnl = 9.8 − 0.3.
      const withFunding = [
        header, // …,funding,net_pnl: the last two columns
        ...rows.map((row, i) => {
          const fields = row.split(",");
          const net = at(fields, 9);
          fields.splice(-2, 2, ...(i === 0 ? ["-0.3", "9.5"] : ["0", net]));
          return fields.join(",");
        }),
      ].join("\n") + "\n";
      await Deno.writeTextFile(`${dir}/later.csv`, withFunding);
      const { code, stderr } = await cli(
        dir,
        "report",
        "--positions",
        "later.csv",
        "--out",
        "l.html",
      );
      assert.equal(code, 0, stderr);
      const html = await Deno.readTextFile(`${dir}/l.html`);
      assert.equal(exactStatsOf(html, "USDT")["net-pnl"], "22.9");
      assert.equal(statsOf(html, "USDT")["largest-win"], "29.90");
      assert.deepEqual(tableOf(html, "fees")[2], ["USDT", "0.81", "-0.30"]);
      assert.match(html, /data-funding-source="positions"/);
      assert.match(html, /<code>net_pnl<\/code> column/);
      await Deno.remove(`${dir}/later.csv`);
      await Deno.remove(`${dir}/l.html`);
    });

    await t.step(
      "a round trip with an empty net_pnl: the page says how it is counted",
      async () => {
        const [header, ...rows] = ledgerCsv.trimEnd().split("\n");
        // The first round trip's net_pnl is unknown (a BNB fee without a price, say).
        const oneEmpty = [
          header,
          ...rows.map((row, i) => {
            const fields = row.split(",");
            fields.splice(-2, 2, ...(i === 0 ? ["0", ""] : ["0", fields[9] ?? ""]));
            return fields.join(",");
          }),
        ].join("\n") + "\n";
        await Deno.writeTextFile(`${dir}/empty.csv`, oneEmpty);
        const { code, stderr } = await cli(
          dir,
          "report",
          "--positions",
          "empty.csv",
          "--out",
          "e.html",
        );
        assert.equal(code, 0, stderr);
        assert.match(stderr, /1 round trip has an empty net_pnl/);
        const html = await Deno.readTextFile(`${dir}/e.html`);
        assert.match(html, /1 round trip has an empty <code>net_pnl<\/code>/);
        await Deno.remove(`${dir}/empty.csv`);
        await Deno.remove(`${dir}/e.html`);
      },
    );

    await t.step("readPositionsFile reads back what the ledger wrote", async () => {
      const positions = aggregatePositions(FILLS);
      await Deno.writeTextFile(`${dir}/round.csv`, ledgerCsv);
      const file = await readPositionsFile(`${dir}/round.csv`);
      assert.equal(positionsCsv(file.positions), ledgerCsv);
      assert.deepEqual(file.optionalColumns, ["commission_converted", "funding", "net_pnl"]);
      assert.equal(file.positions[2]?.otherCommission.get("BNB")?.toString(), "0.0002");
      assert.equal(file.positions.length, positions.length);
      await Deno.remove(`${dir}/round.csv`);
    });

    await t.step("a malformed row names file, line and field; nothing is written", async () => {
      const bad = ledgerCsv.replace(",2025-01-01T00:00:02.000Z,", ",2025-02-30T00:00:02.000Z,");
      await Deno.writeTextFile(`${dir}/bad.csv`, bad);
      await assert.rejects(
        () => readPositionsFile(`${dir}/bad.csv`),
        (e) => e instanceof DataFileError && e.line === 2 && /field "close_time"/.test(e.message),
      );
      const { code, stderr } = await cli(
        dir,
        "report",
        "--positions",
        "bad.csv",
        "--out",
        "b.html",
      );
      assert.equal(code, 1);
      assert.match(stderr, /bad\.csv:2: field "close_time": not valid: "2025-02-30T00:00:02.000Z"/);
      await assert.rejects(() => Deno.stat(`${dir}/b.html`), Deno.errors.NotFound);
      await Deno.remove(`${dir}/bad.csv`);
    });

    await t.step("--help, an unknown option, a missing --income file", async () => {
      const help = await cli(dir, "report", "--help");
      assert.equal(help.code, 0);
      for (const word of ["--positions", "--income", "--out", "margin asset", "half-even"]) {
        assert.ok(help.stdout.includes(word), word);
      }
      for (const word of ["--from", "--to", "--symbols", "exact value shows on hover"]) {
        assert.ok(help.stdout.includes(word), word);
      }
      for (
        const args of [
          ["--outt", "x.html"],
          ["--from", "2025-1-1"],
          ["--from", "2025-02-01", "--to", "2025-01-01"],
          ["--symbols", "BTC-USDT"],
        ]
      ) {
        const usage = await cli(dir, "report", ...args, "--out", "x.html");
        assert.equal(usage.code, 2, args.join(" "));
        assert.equal(usage.stderr.trim().split("\n").length, 1);
      }
      const missing = await cli(dir, "report", "--income", "none.csv", "--out", "x.html");
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--income none\.csv: no such file/);
    });

    await t.step({
      name: "headless Chromium: the charts are drawn, no request leaves the page, screenshot",
      ignore: chromiumSkip !== undefined,
      fn: () => checkInBrowser(`${dir}/report.html`),
    });
    if (chromiumSkip !== undefined) console.log(`browser step skipped: ${chromiumSkip}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function checkInBrowser(path: string): Promise<void> {
  const started = performance.now();
  const url = new URL(`file://${path}`).href;
  await using browser = await Browser.launch();

  // The observer itself: a page that does make requests must be seen making them.
  const control = `${path}.control.html`;
  await Deno.writeTextFile(
    control,
    `<img src="http://127.0.0.1:9/probe.png"><script>fetch("http://127.0.0.1:9/x")</script>`,
  );
  const probe = await browser.newPage();
  await probe.watch((u) => u.startsWith("file:"));
  await probe.goto(new URL(`file://${control}`).href);
  assert.ok(probe.requests.includes("http://127.0.0.1:9/probe.png"), probe.requests.join());
  await Deno.remove(control);

  const page = await browser.newPage(1200, 900);
  await page.watch((u) => u === url);
  await page.goto(url);
  const drawn = await page.evaluate<
    { charts: string; canvases: [ink: number, blue: number, red: number][] }
  >(`(() => {
    const count = (canvas) => {
      const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      let ink = 0, blue = 0, red = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] === 0) continue;
        ink++;
        if (data[i] < 80 && data[i + 1] > 80 && data[i + 1] < 140 && data[i + 2] > 200) blue++;
        if (data[i] > 180 && data[i + 1] < 80 && data[i + 2] < 80) red++;
      }
      return [ink, blue, red];
    };
    const equity = [...document.querySelectorAll('[data-chart="equity"] canvas')];
    return { charts: document.body.dataset.charts, canvases: equity.map(count) };
  })()`);
  assert.equal(drawn.charts, "4", "equity and symbol charts for USDT and BTC");
  assert.equal(drawn.canvases.length, 2);
  for (const [ink, blue, red] of drawn.canvases) {
    assert.ok(ink > 1000 && blue > 200, `the equity line is drawn: ${[ink, blue, red]}`);
  }
  assert.ok(at(drawn.canvases, 0)[2] > 200, "the USDT drawdown is drawn");
  const shown = await page.evaluate<Record<string, string>>(`Object.fromEntries(
    [...document.querySelectorAll('section[data-asset="USDT"] [data-stat]')]
      .map((e) => [e.dataset.stat, e.textContent]))`);
  assert.deepEqual(shown, USDT_STATS);
  const hover = await page.evaluate<Record<string, string>>(`Object.fromEntries(
    [...document.querySelectorAll('section[data-asset="USDT"] [data-stat] > span[title]')]
      .map((e) => [e.parentElement.dataset.stat, e.title]))`);
  assert.deepEqual(hover, USDT_EXACT, "the exact values show on hover");
  const calendar = await page.evaluate<string[]>(
    `[...document.querySelectorAll('section[data-asset="USDT"] td[data-day]')]
      .map((e) => e.dataset.day + " " + e.querySelector("[title]").title)`,
  );
  assert.deepEqual(calendar, ["2025-01-01 23.2"]);
  const note = await page.evaluate<string>(
    `document.querySelector('[data-table="open-positions"] tbody tr:last-child td:last-child')
      .textContent`,
  );
  assert.equal(note, HOSTILE_NOTE);
  assert.equal(await page.evaluate<number>(`document.images.length`), 0);
  assert.deepEqual(page.dialogs, []);
  assert.deepEqual(page.problems, []);
  assert.deepEqual(page.requests, [url], "the file itself, nothing else");

  const png = await page.screenshot();
  const out = Deno.env.get("REPORT_SCREENSHOT") ??
    `${await Deno.makeTempDir({ prefix: "report-screenshot-" })}/report.png`;
  await Deno.writeFile(out, png);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`screenshot: ${out} (${png.length} bytes); browser part took ${seconds} s`);
}

/** The `data-stat` values of one asset's section, as text. */
function statsOf(html: string, asset: string): Record<string, string> {
  const section = sectionOf(html, asset);
  return Object.fromEntries(
    [...section.matchAll(/data-stat="([^"]+)">(.*?)<\/div>/g)].map((m) => [
      at(m, 1),
      text(at(m, 2)),
    ]),
  );
}

/** The exact values (`data-exact`, also the hover title) of one asset's amount statistics. */
function exactStatsOf(html: string, asset: string): Record<string, string> {
  return Object.fromEntries(
    [...sectionOf(html, asset).matchAll(/data-stat="([^"]+)"><span [^>]*data-exact="([^"]+)"/g)]
      .map(([, key, exact]) => [key, exact]),
  );
}

/** The body rows of a table, as cell texts (within one asset's section when `asset` is given). */
function tableOf(html: string, id: string, asset?: string): string[][] {
  const scope = asset === undefined ? html : sectionOf(html, asset);
  const table = new RegExp(`data-table="${id}">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(scope);
  assert.ok(table, `table ${id}`);
  return [...at(table, 1).matchAll(/<tr>(.*?)<\/tr>/g)].map((tr) =>
    [...at(tr, 1).matchAll(/<td>(.*?)<\/td>/g)].map((td) => text(at(td, 1)))
  );
}

function sectionOf(html: string, asset: string): string {
  const match = new RegExp(`<section class="asset" data-asset="${asset}">[\\s\\S]*?</section>`)
    .exec(html);
  assert.ok(match, `section ${asset}`);
  return match[0];
}

function text(html: string): string {
  return html.replace(/<[^>]+>/g, "").replaceAll("&lt;", "<").replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&amp;", "&");
}
