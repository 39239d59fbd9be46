-- Floating-point workload for sqlite3 (scripts/compare-debian-fp.sh feeds it
-- on stdin under qemu-riscv64 and wemu and compares the output byte for byte).
.headers on
.mode list
CREATE TABLE m(id INTEGER PRIMARY KEY, x REAL, y REAL, label TEXT);
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 200)
INSERT INTO m(id, x, y, label)
  SELECT n, n * 0.1 - 7.3, 1.0 / n + (n % 7) * 2.5e-3, 'row' || (n % 5) FROM seq;

-- Real arithmetic and its textual form (sqlite prints reals with %!.15g).
SELECT id, x, y, x * y, x / y, x + y, x - y, -x, abs(x) FROM m WHERE id % 23 = 0;
SELECT 1.0 / 3, 2.0 / 3, 0.1 + 0.2, 1e308 * 10, -1e308 * 10, 5e-324, 1e-320 * 1e10, 9007199254740993.0;
SELECT 7 / 2, 7.0 / 2, 7 % 3, 7.5 % 2, -7.5 % 2, 1 / 0.0, 0.0 / 0.0, 2.0 * 0.5 = 1;

-- Aggregates.
SELECT label, count(*), sum(x), total(y), avg(x), avg(y), min(x * y), max(x / y)
  FROM m GROUP BY label ORDER BY label;
SELECT sum(y), avg(y * y), sum(1.0 / id), total(x * x * x) FROM m;

-- round (sqlite rounds half away from zero on the decimal text).
SELECT round(2.5), round(-2.5), round(0.125, 2), round(2.675, 2), round(1.005, 2), round(1234.5678, -2),
       round(1e15 + 0.5), round(x, 3) FROM m WHERE id IN (1, 50, 137);

-- printf with the C-like formats sqlite implements itself.
SELECT printf('%.15e', 2.0 / 3), printf('%.15e', x * y), printf('%e', y), printf('%g', x), printf('%.17g', y),
       printf('%!.20g', 0.1), printf('%f', x / 7), printf('%10.4f|%-10.2e|', x, y) FROM m WHERE id % 41 = 0;
SELECT printf('%.15e %.15e %.15e', 1e-310, 1.7976931348623157e308, 123456789012345678.0);
SELECT printf('%g %g %g %g', 1e-5, 1e-4, 123456.0, 1234567.0), printf('%.0f %.0f %.0f', 0.5, 1.5, 2.5);

-- cast between integer, real and text.
SELECT cast(3.99 AS INTEGER), cast(-3.99 AS INTEGER), cast('1.5e3' AS REAL), cast(' 12.25xyz' AS REAL),
       cast(1e19 AS INTEGER), cast(-1e19 AS INTEGER), cast(9.223372036854775807e18 AS INTEGER),
       cast(0.1 AS TEXT), cast(100.0 AS TEXT), cast(12345678901234567890 AS REAL), typeof(2 * 0.5);
SELECT '3.0' + 1, '0x10' + 0.0, '1e2' * 1, 1.0 * '  2.5  ', 10 / '4', 10.0 / '4';

-- Built-in math functions (SQLITE_ENABLE_MATH_FUNCTIONS in Debian's build).
SELECT sqrt(2.0), exp(1.0), ln(10.0), log(1000.0), log2(3.0), log(2, 1024.0), pow(2.0, 0.5), power(10, -3),
       sin(1.0), cos(1.0), tan(1.0), atan2(1.0, -2.0), acos(0.3), asinh(1.5), floor(-2.5), ceil(-2.5), trunc(-2.5),
       mod(7.5, 2), pi(), degrees(pi() / 3), radians(90);

-- Sorting and comparing mixed reals.
SELECT x FROM m WHERE x BETWEEN -0.35 AND 0.35 ORDER BY x DESC;
SELECT count(*) FROM m WHERE x * 10 = round(x * 10);
