# Floating-point workload for python3.13 -S (scripts/compare-debian-fp.sh runs
# it under qemu-riscv64 and wemu and compares the output byte for byte).
# Only built-in modules (math, struct, sys), so -S needs no stdlib on disk.
import math
import struct
import sys

# repr uses the shortest round-tripping digits (David Gay's dtoa).
values = [0.0, -0.0, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 1e16, 1e22, 1e23, 2.0 ** 53 + 1,
          5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 123456789.123456789,
          math.pi, math.e, math.tau, float("inf"), -float("inf"), float("nan")]
for v in values:
    print(repr(v), str(v), v.hex(), float.fromhex(v.hex()) == v or v != v, format(v, ".17g"), f"{v:e}")

# math module functions.
args = [1e-300, 0.1, 0.5, 0.75, 1.0, 2.0, 3.5, 10.0, 100.0, 1e10]
for x in args:
    print(x, math.sin(x), math.cos(x), math.tan(x), math.atan(x), math.exp(-x) if x < 700 else 0.0)
    print(x, math.log(x), math.log2(x), math.log10(x), math.log1p(x), math.sqrt(x), math.cbrt(x))
    print(x, math.sinh(min(x, 50)), math.tanh(x), math.asinh(x), math.erf(x), math.erfc(x), math.gamma(min(x, 100)))
    print(x, math.lgamma(x), math.expm1(min(x, 50)), math.atan2(x, -1.5), math.hypot(x, 3.0), math.pow(x, 0.37))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.fsum([1e100, 1.0, -1e100, 1e-100]))
print(math.fma(0.1, 10.0, -1.0) if hasattr(math, "fma") else "no fma", 0.1 * 10.0 - 1.0)
print(math.ldexp(1.0, -1074), math.frexp(1e300), math.modf(-3.75), math.copysign(2.0, -0.0))
print(math.nextafter(1.0, 2.0), math.ulp(1e300), math.isclose(0.1 + 0.2, 0.3), math.dist((0, 0), (3, 4)))
print(math.floor(-2.5), math.ceil(-2.5), math.trunc(-2.5), math.fmod(-7.5, 2.0), math.remainder(7.5, 2.0))
print(math.degrees(1.0), math.radians(180.0), math.factorial(20) / 3.0, math.comb(60, 30) / 7)

# Sum of series.
s = 0.0
for k in range(1, 3001):
    s += 1.0 / (k * k)
print(repr(s), repr(math.sqrt(6 * s)))
leibniz = sum((-1.0) ** k / (2 * k + 1) for k in range(3000))
print(repr(4 * leibniz))
harmonic = 0.0
for k in range(1, 3001):
    harmonic += 1 / k
print(repr(harmonic), repr(harmonic - math.log(3000)))

# divmod and floor division on floats and ints.
for a, b in [(7.5, 2), (-7.5, 2), (7.5, -2), (1e300, 1e-10), (5.3, 1.1), (-0.0, 3.0), (2 ** 70, 3.0)]:
    print(a, b, divmod(a, b), a // b, a % b)
print(divmod(-17, 5), (10 ** 20) / 3, (10 ** 30) // 7, 7 / 2, -7 // 2)

# round: ties to even for 0 digits, correctly rounded for n digits.
for v in [0.5, 1.5, 2.5, -0.5, -1.5, 2.675, 1.005, 0.125, 0.375, 1234.5678, 1e15 + 0.5]:
    print(v, round(v), round(v, 2), round(v, 1), round(v, -1))

# struct packing of doubles and floats.
for v in [1.0, -2.5, 0.1, 1e-310, math.pi, float("inf"), 3.4028235e38, 1e-45]:
    d = struct.pack("<d", v)
    f = struct.pack(">f", v) if abs(v) < 3.5e38 or math.isinf(v) else b"big"
    e = struct.pack("<e", v) if abs(v) < 65504 or math.isinf(v) else b"big"
    print(d.hex(), f.hex(), e.hex(), struct.unpack("<d", d)[0], struct.unpack(">f", f)[0] if len(f) == 4 else None)

# Conversions between int, float and str.
print(float("1e-400"), float("  -1.5e+3 "), int(1e19), int(-2.9), float(2 ** 64), float(10 ** 400 // 10 ** 390))
print("%.20f %.3e %g %G %r" % (0.1, 12345.6789, 1e-7, 1e20, 1.1))
print(f"{1234567.891:,.2f} {0.000123:.2%} {1/7:.30f} {2**0.5:.3g} {-1e-9:+08.2e}")
print(sys.float_info.max, sys.float_info.epsilon, sys.float_info.min, sys.float_info.dig, sys.float_repr_style)
print((1.5).as_integer_ratio(), (0.1).as_integer_ratio(), (2.0 ** 0.5).is_integer(), hash(0.1), hash(1e300))
print(complex(1, 2) ** 0.5, abs(complex(3, 4)), (1 + 2j) * (3 - 4j) / (0.5 + 0.25j))
