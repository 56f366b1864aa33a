import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { csvLine } from "../src/csv/format.ts";
import { type ByteRange, parseCsvFile } from "../src/csv/csv_file.ts";
import { CsvParser, CsvSyntaxError } from "../src/csv/parser.ts";

/** Parses `text` fed in pieces of the given sizes; returns the records with their lines. */
function parseInPieces(text: string, sizes: number[] = []): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  const parser = new CsvParser((fields, line) => records.push({ fields, line }));
  let at = 0;
  for (const size of sizes) {
    parser.push(text.slice(at, at + size));
    at += size;
  }
  parser.push(text.slice(at));
  parser.end();
  return records;
}

const field = fc.string({ unit: fc.constantFrom("a", "1", ",", '"', "\n", "\r\n", " ", "é", "-") });
const table = fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 8 })
  // A record of one empty field is a blank line, which both parsers skip.
  .map((rows) => rows.filter((r) => !(r.length === 1 && r[0] === "")));

Deno.test("CSV", async (t) => {
  await t.step("reads plain, quoted, CRLF and multi-line records with their line numbers", () => {
    const text = '\ufeffa,b\r\n"x, y","say ""hi"""\n"two\nlines",z\n\n1,2';
    assert.deepEqual(parseInPieces(text), [
      { fields: ["a", "b"], line: 1 },
      { fields: ["x, y", 'say "hi"'], line: 2 },
      { fields: ["two\nlines", "z"], line: 3 },
      { fields: ["1", "2"], line: 6 },
    ]);
  });

  await t.step("a file is read as its text, across chunks and with a line over 1 MiB", async () => {
    // 3 MiB of rows with multi-byte text, quoted line breaks, CRLF, a 1.5 MiB line, no final LF.
    const rows = Array.from(
      { length: 30_000 },
      (_, i) => i % 7 === 0 ? `${i},"two\nlines é",€${i}\r\n` : `${i},plain,ü${i}\n`,
    );
    rows.splice(12_000, 0, `long,${"x".repeat(1_500_000)},end\n`);
    const text = rows.join("") + "last,row,ok";
    const path = await Deno.makeTempFile();
    try {
      await Deno.writeTextFile(path, text);
      const fromFile: { fields: string[]; line: number }[] = [];
      await parseCsvFile(path, (fields, line) => fromFile.push({ fields, line }));
      assert.deepEqual(fromFile, parseInPieces(text));
      assert.equal(fromFile.length, 30_002);
    } finally {
      await Deno.remove(path);
    }
  });

  await t.step("reports malformed quoting with its line", () => {
    assert.throws(() => parseInPieces('a\nb"c,d\n'), (e: unknown) => {
      return e instanceof CsvSyntaxError && e.line === 2;
    });
    assert.throws(() => parseInPieces('a\n"open,d\n'), /line 2: a quoted field is never closed/);
    assert.throws(() => parseInPieces('"a"b\n'), /line 1: unexpected text after a closing quote/);
  });

  await t.step("quotes only what needs it", () => {
    assert.equal(csvLine(["a", "b,c", 'q"', "l\nm", ""]), 'a,"b,c","q""",' + '"l\nm",\n');
  });

  await t.step(
    "agrees with csv-parse and csv-stringify, however the text is chunked (property)",
    () => {
      fc.assert(
        fc.property(table, fc.array(fc.nat(12)), (rows, sizes) => {
          const ours = rows.map(csvLine).join("");
          assert.deepEqual(parse(ours, { relax_column_count: true }), rows);
          const theirs = stringify(rows);
          assert.deepEqual(parseInPieces(theirs, sizes).map((r) => r.fields), rows);
          assert.deepEqual(parseInPieces(ours, sizes).map((r) => r.fields), rows);
        }),
        { numRuns: 1000 },
      );
    },
  );

  await t.step(
    "a file read in byte ranges: together, its records, or an error where a range cuts a record " +
      "(property)",
    async () => {
      const path = await Deno.makeTempFile();
      try {
        await fc.assert(
          fc.asyncProperty(table, fc.array(fc.nat()), async (rows, picks) => {
            const lines = ["h1,h2\n", ...rows.map(csvLine)];
            const bytes = new TextEncoder().encode(lines.join(""));
            await Deno.writeFile(path, bytes);
            // Where records start (after the header), and where any line break is.
            const records = new Set<number>();
            let at = 0;
            for (const line of lines) records.add(at += new TextEncoder().encode(line).length);
            const breaks = [...bytes.keys()].filter((i) => bytes[i] === 10).map((i) => i + 1);
            const cuts = [...new Set(picks.map((p) => breaks[p % breaks.length]))]
              .filter((c): c is number => c !== undefined && c < bytes.length)
              .sort((a, b) => a - b);
            const ranges: ByteRange[] = [0, ...cuts].map((start, i) => ({
              start,
              end: cuts[i] ?? bytes.length,
            }));
            const read: string[][] = [];
            let failed = false;
            for (const [i, range] of ranges.entries()) {
              const fields: string[][] = [];
              try {
                await parseCsvFile(path, (f) => fields.push(f), undefined, true, range);
              } catch (error) {
                if (!(error instanceof CsvSyntaxError)) throw error;
                failed = true;
              }
              read.push(...(i === 0 ? fields : fields.slice(1))); // each range has the header
            }
            const inRecord = cuts.some((c) => !records.has(c));
            assert.equal(failed, inRecord, `cuts ${cuts} in ${JSON.stringify(lines)}`);
            if (!failed) assert.deepEqual(read, [["h1", "h2"], ...rows]);
          }),
          { numRuns: 300 },
        );
      } finally {
        await Deno.remove(path);
      }
    },
  );

  await t.step("a byte range that does not start a line is an error", async () => {
    const path = await Deno.makeTempFile();
    try {
      await Deno.writeTextFile(path, "h1,h2\na,b\nc,d\n"); // lines start at 0, 6, 10
      const read = (start: number, end: number) => {
        const records: string[][] = [];
        return parseCsvFile(path, (f) => records.push(f), undefined, true, { start, end })
          .then(() => records);
      };
      assert.deepEqual(await read(10, 14), [["h1", "h2"], ["c", "d"]]);
      await assert.rejects(read(11, 14), /line 1: byte 11 does not start a line/);
      await assert.rejects(read(9, 14), /line 1: byte 9 does not start a line/);
    } finally {
      await Deno.remove(path);
    }
  });

  await t.step("a U+FFFD in a file is text, a byte that is not UTF-8 is refused", async () => {
    // Pieces are decoded with replacement, and again strictly only when they hold a U+FFFD.
    const path = await Deno.makeTempFile();
    const encoded = (text: string) => new TextEncoder().encode(text);
    const read = async () => {
      const records: string[][] = [];
      await parseCsvFile(path, (fields) => records.push(fields));
      return records;
    };
    try {
      await Deno.writeTextFile(path, "\ufeffa,b\n1,\ufffd\n\ufeff2,ok\n");
      // The byte-order mark that starts the file is dropped, one that starts a row is text.
      assert.deepEqual(await read(), [["a", "b"], ["1", "\ufffd"], ["\ufeff2", "ok"]]);
      await Deno.writeFile(path, new Uint8Array([...encoded("a,b\n1,\ufffd\n2,"), 0xff, 10]));
      await assert.rejects(read(), /line 3: is not UTF-8 text \(byte 3 of the line\)/);
    } finally {
      await Deno.remove(path);
    }
  });

  await t.step("a quoted header is not read a byte range at a time", async () => {
    const path = await Deno.makeTempFile();
    try {
      await Deno.writeTextFile(path, '"h1",h2\na,b\nc,d\n');
      const range = { start: 10, end: 14 };
      await assert.rejects(
        parseCsvFile(path, () => {}, undefined, true, range),
        /line 1: has a quoted header/,
      );
    } finally {
      await Deno.remove(path);
    }
  });
});
