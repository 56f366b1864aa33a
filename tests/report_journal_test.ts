/**
 * The report as a trading journal, on a generated account: every figure of the calendar, the
 * hour and weekday tables, holding times, streaks, expectancy and fees against gross P&L is
 * recomputed here from the positions file and compared with the page (exact values from the
 * hover titles, shown values rounded from them); `--from/--to/--symbols` limit all of it; the
 * page opens in headless Chromium with no request and a screenshot is written.
 */
import assert from "node:assert/strict";
import { Decimal } from "../src/decimal.ts";
import { duration } from "../src/report/journal_sections.ts";
import { readIncomeFile, writeIncomeFile } from "../src/storage/income_file.ts";
import { type PositionRecord, readPositionsFile } from "../src/storage/positions_file.ts";
import { generateAccount } from "./fake_exchange/account.ts";
import { Browser, chromiumMissing } from "./support/chromium.ts";
import { runCli } from "./support/cli.ts";
import { at, valueAt } from "./support/indexed.ts";

const chromiumSkip = await chromiumMissing();
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

Deno.test("report journal: figures recomputed from the positions file", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "report-journal-" });
  try {
    const account = generateAccount({
      seed: 5,
      symbols: 5,
      fills: 2500,
      months: 15,
      hedge: "mixed",
      endTime: Date.UTC(2026, 1, 20),
    });
    await Deno.writeTextFile(`${dir}/futures_positions.csv`, account.truthCsv());
    await writeIncomeFile(
      `${dir}/futures_income.csv`,
      account.incomeRows().map((r) => ({ market: account.market, ...r })),
    );
    const { positions } = await readPositionsFile(`${dir}/futures_positions.csv`);
    const income = await readIncomeFile(`${dir}/futures_income.csv`);

    await t.step("the whole file", async () => {
      const { code, stderr } = await runCli({ cwd: dir }, "report");
      assert.equal(code, 0, stderr);
      const html = await Deno.readTextFile(`${dir}/report.html`);
      const trips = positions.filter((p) => p.closeTime !== undefined);
      assert.ok(trips.length > 100, `${trips.length} round trips`);
      checkJournal(html, "USDT", trips);
      assert.doesNotMatch(html, /data-scope/);
    });

    await t.step("--from, --to and --symbols limit every figure", async () => {
      const symbols = [...new Set(positions.map((p) => p.symbol))].sort().slice(0, 3);
      const { code, stdout, stderr } = await runCli(
        { cwd: dir },
        "report",
        "--from",
        "2025-03-01",
        "--to",
        "2025-10-31",
        "--symbols",
        symbols.join(",").toLowerCase(),
        "--out",
        "limited.html",
      );
      assert.equal(code, 0, stderr);
      const from = Date.UTC(2025, 2, 1);
      const to = Date.UTC(2025, 10, 1);
      const within = (ms: number) => ms >= from && ms < to;
      const trips = positions.filter((p) =>
        p.closeTime !== undefined && within(p.closeTime) && symbols.includes(p.symbol)
      );
      assert.ok(trips.length > 20, `${trips.length} round trips`);
      assert.match(
        stdout,
        new RegExp(`^${trips.length} positions of ${positions.length}, 2025-03-01 to 2025-10-31`),
      );
      const html = await Deno.readTextFile(`${dir}/limited.html`);
      assert.match(html, /data-scope>Limited to 2025-03-01 to 2025-10-31 \(UTC\), /);
      checkJournal(html, "USDT", trips);
      assert.match(html, /<h2>Open positions \(0\)<\/h2>/, "a period with an end shows none open");
      const funding = sum(
        income.filter((r) =>
          r.incomeType === "FUNDING_FEE" && within(r.time) && symbols.includes(r.symbol)
        ).map((r) => Decimal.parse(r.income)),
      );
      const fees = rowsOf(html, "fees").find((row) => at(row, 0).includes("USDT"))!;
      assert.equal(exactOf(at(fees, 2)), `${funding}`, "funding of the period and symbols");
      const commission = sum(trips.map((p) => p.commission));
      assert.equal(exactOf(at(fees, 1)), `${commission}`, "commissions of the round trips shown");
    });

    await t.step({
      name: "headless Chromium: journal drawn, exact values on hover, no request, screenshot",
      ignore: chromiumSkip !== undefined,
      fn: () => checkInBrowser(`${dir}/report.html`, positions),
    });
    if (chromiumSkip !== undefined) console.log(`browser step skipped: ${chromiumSkip}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report journal: durations for people", () => {
  assert.equal(duration(undefined), "—");
  assert.equal(duration(8_500), "8.5s");
  assert.equal(duration(45_000), "45s");
  assert.equal(duration(12 * 60_000 + 30_000), "12m 30s");
  assert.equal(duration(4 * 3_600_000 + 5 * 60_000), "4h 05m");
  assert.equal(duration(2 * 86_400_000 + 3 * 3_600_000 + 59 * 60_000), "2d 03h");
});

/** Checks the journal of `asset` in `html` against figures computed here from `trips`. */
function checkJournal(html: string, asset: string, all: readonly PositionRecord[]): void {
  const trips = all.filter((p) => p.marginAsset === asset)
    .sort((a, b) => a.closeTime! - b.closeTime! || a.openTime - b.openTime);
  const net = (p: PositionRecord) => p.netPnl ?? p.netPnlAfterFees;
  const section = sectionOf(html, asset);
  const day = (p: PositionRecord) => new Date(p.closeTime!).toISOString().slice(0, 10);

  // Calendar: each day with round trips, its count and exact net; then months and years.
  const days = groupSum(trips, day, net);
  const shownDays = [
    ...section.matchAll(/data-day="([\d-]+)" data-count="(\d+)">.*?data-exact="([^"]+)"/g),
  ].map(([, d, count, exact]) => [d, Number(count), exact]);
  assert.deepEqual(shownDays, [...days].map(([d, g]) => [d, g.count, `${g.sum}`]));
  const months = groupSum(trips, (p) => day(p).slice(0, 7), net);
  const years = groupSum(trips, (p) => day(p).slice(0, 4), net);
  const monthRows = rowsOf(section, "months");
  assert.deepEqual(monthRows.map((row) => row[0]), [...years.keys()]);
  for (const row of monthRows) {
    for (let m = 1; m <= 12; m++) {
      const key = `${row[0]}-${String(m).padStart(2, "0")}`;
      assert.equal(
        exactOf(at(row, m)),
        months.has(key) ? `${months.get(key)!.sum}` : undefined,
        key,
      );
    }
    assert.equal(exactOf(at(row, 13)), `${years.get(at(row, 0))!.sum}`, `${row[0]} total`);
  }

  // By hour and weekday of the close (UTC).
  const hours = groupSum(trips, (p) => String(new Date(p.closeTime!).getUTCHours()), net);
  rowsOf(section, "by-hour").forEach((row, h) => {
    const g = hours.get(String(h));
    assert.equal(row[0], `${String(h).padStart(2, "0")}:00`);
    assert.equal(row[1], String(g?.count ?? 0), `hour ${h}`);
    assert.equal(exactOf(at(row, 3)), g === undefined ? undefined : `${g.sum}`, `hour ${h}`);
  });
  const weekdays = groupSum(
    trips,
    (p) => at(WEEKDAYS, (new Date(p.closeTime!).getUTCDay() + 6) % 7),
    net,
  );
  assert.deepEqual(
    rowsOf(section, "by-weekday").map((row) => [text(at(row, 0)), row[1], exactOf(at(row, 3))]),
    WEEKDAYS.map((d) => [d, String(weekdays.get(d)?.count ?? 0), weekdays.get(d)?.sum.toString()]),
  );

  // Holding times (PARTIAL left out), streaks, expectancy.
  const spans = (sign: number) =>
    trips.filter((p) => net(p).sign() === sign && p.status !== "PARTIAL")
      .map((p) => p.closeTime! - p.openTime);
  const holding = rowsOf(section, "holding").map((row) => row.map(text));
  for (const [row, sign] of [[at(holding, 0), 1], [at(holding, 1), -1]] as const) {
    const list = spans(sign);
    assert.equal(row[1], String(list.length));
    assert.equal(row[2], duration(Math.round(list.reduce((a, b) => a + b, 0) / list.length)));
    assert.equal(row[4], duration(Math.min(...list)));
    assert.equal(row[5], duration(Math.max(...list)));
  }
  const stats = statsOf(section);
  const longest = (sign: number) => {
    let best = 0;
    let run = 0;
    for (const p of trips) {
      run = net(p).sign() === sign ? run + 1 : 0;
      best = Math.max(best, run);
    }
    return String(best);
  };
  assert.equal(stats["win-streak"], longest(1));
  assert.equal(stats["loss-streak"], longest(-1));
  const total = sum(trips.map(net));
  assert.equal(
    exactOf(valueAt(stats, "expectancyHtml")),
    `${total.div(new Decimal(trips.length, 0), 8)}`,
    "expectancy = net / round trips",
  );
  assert.equal(exactOf(valueAt(stats, "net-pnlHtml")), `${total}`);

  // Fees and funding against gross P&L.
  const costs = at(rowsOf(section, "costs"), 0);
  const gross = sum(trips.map((p) => p.realizedPnl));
  const fees = sum(trips.map((p) => p.commission.plus(p.commissionConverted ?? Decimal.ZERO)));
  const funding = sum(trips.map((p) => p.funding ?? Decimal.ZERO));
  assert.equal(exactOf(at(costs, 0)), `${gross}`);
  assert.equal(exactOf(at(costs, 1)), `${fees.neg().normalize()}`);
  const feeShare = fees.neg().times(new Decimal(100, 0)).div(gross.abs(), 2);
  assert.equal(costs[2], `${roundTo(`${feeShare}`, 2)}%`, "fees, % of gross");
  assert.equal(exactOf(at(costs, 3)), `${funding}`);

  // Every amount shown is its exact value rounded half-even to 2 decimals (USDT), grouped.
  for (const match of section.matchAll(/data-exact="([^"]+)">([^<]*)</g)) {
    const [exact, shown] = [at(match, 1), at(match, 2)];
    assert.equal(shown.replaceAll(",", ""), roundTo(exact, 2), exact);
  }
}

/** `text` (a plain decimal) rounded half-even to `places` decimals, in BigInt arithmetic. */
function roundTo(text: string, places: number): string {
  const negative = text.startsWith("-");
  const [int, frac = ""] = (negative ? text.slice(1) : text).split(".");
  const digits = BigInt(int + frac.padEnd(places + 1, "0").slice(0, places));
  const rest = frac.slice(places);
  const half = rest === ""
    ? -1
    : at(rest, 0) > "5"
    ? 1
    : at(rest, 0) < "5"
    ? -1
    : /[1-9]/.test(rest.slice(1))
    ? 1
    : 0;
  const up = half > 0 || (half === 0 && digits % 2n === 1n);
  const value = (digits + (up ? 1n : 0n)).toString().padStart(places + 1, "0");
  const rounded = `${value.slice(0, -places)}.${value.slice(-places)}`;
  return (negative && /[1-9]/.test(rounded) ? "-" : "") + rounded;
}

async function checkInBrowser(path: string, positions: readonly PositionRecord[]): Promise<void> {
  const url = new URL(`file://${path}`).href;
  await using browser = await Browser.launch();
  const page = await browser.newPage(1200, 900);
  await page.watch((u) => u === url);
  await page.goto(url);
  const seen = await page.evaluate<
    { charts: string; days: number; months: number; untitled: number; titles: string[] }
  >(`(() => ({
    charts: document.body.dataset.charts,
    days: document.querySelectorAll('section[data-asset="USDT"] td[data-day]').length,
    months: document.querySelectorAll('section[data-asset="USDT"] table.month').length,
    untitled: [...document.querySelectorAll('[data-exact]')].filter((e) => e.title !== e.dataset.exact).length,
    titles: [...document.querySelectorAll('[data-stat="net-pnl"] [title]')].map((e) => e.title),
  }))()`);
  const trips = positions.filter((p) => p.closeTime !== undefined);
  const days = new Set(trips.map((p) => new Date(p.closeTime!).toISOString().slice(0, 10)));
  assert.equal(seen.charts, "2", "the equity and symbol charts");
  assert.equal(seen.days, days.size, "a calendar cell for every day with round trips");
  assert.ok(seen.months >= 15, `${seen.months} month grids`);
  assert.equal(seen.untitled, 0, "every amount has its exact value as its title");
  assert.deepEqual(seen.titles, [`${sum(trips.map((p) => p.netPnl ?? p.netPnlAfterFees))}`]);
  assert.deepEqual(page.problems, []);
  assert.deepEqual(page.dialogs, []);
  assert.deepEqual(page.requests, [url], "the file itself, nothing else");
  const png = await page.screenshot();
  const out = Deno.env.get("JOURNAL_SCREENSHOT") ??
    `${await Deno.makeTempDir({ prefix: "report-journal-screenshot-" })}/journal.png`;
  await Deno.writeFile(out, png);
  console.log(`screenshot: ${out} (${png.length} bytes)`);
}

function groupSum<T>(
  items: readonly T[],
  key: (item: T) => string,
  value: (item: T) => Decimal,
): Map<string, { count: number; sum: Decimal }> {
  const groups = new Map<string, { count: number; sum: Decimal }>();
  for (const item of items) {
    const g = groups.get(key(item)) ?? { count: 0, sum: Decimal.ZERO };
    groups.set(key(item), { count: g.count + 1, sum: g.sum.plus(value(item)) });
  }
  return new Map(
    [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map((
      [k, g],
    ) => [k, { count: g.count, sum: g.sum.normalize() }]),
  );
}

function sum(values: readonly Decimal[]): Decimal {
  return values.reduce((a, b) => a.plus(b), Decimal.ZERO).normalize();
}

function sectionOf(html: string, asset: string): string {
  const match = new RegExp(`<section class="asset" data-asset="${asset}">[\\s\\S]*?</section>`)
    .exec(html);
  assert.ok(match, `section ${asset}`);
  return match[0];
}

/** The cells (HTML) of a table's body rows. */
function rowsOf(html: string, id: string): string[][] {
  const table = new RegExp(`data-table="${id}">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(html);
  assert.ok(table, `table ${id}`);
  return [...at(table, 1).matchAll(/<tr>(.*?)<\/tr>/g)].map((tr) =>
    [...at(tr, 1).matchAll(/<td>(.*?)<\/td>/g)].map((td) => at(td, 1))
  );
}

/** The statistic cards as text, and as HTML under `KEYHtml`. */
function statsOf(section: string): Record<string, string> {
  const stats: Record<string, string> = {};
  for (const match of section.matchAll(/data-stat="([^"]+)">(.*?)<\/div>/g)) {
    const [key, value] = [at(match, 1), at(match, 2)];
    stats[key] = text(value);
    stats[`${key}Html`] = value;
  }
  return stats;
}

function exactOf(cell: string): string | undefined {
  return /data-exact="([^"]+)"/.exec(cell)?.[1];
}

function text(html: string): string {
  return html.replace(/<[^>]+>/g, "").replaceAll("&amp;", "&");
}
