-- Floating-point workload for lua5.4 (scripts/compare-debian-fp.sh runs it
-- under qemu-riscv64 and wemu and compares the output byte for byte).
local fmt = string.format

local function show(name, x)
  print(fmt("%-10s %.17g %a %s", name, x, x, tostring(x)))
end

-- Trigonometry, exponentials and logarithms over a spread of arguments.
local args = {0.0, -0.0, 1e-310, 0.1, 0.5, 1.0, 2.0, 3.14159, 10.0, 100.5, 1e10, -7.25}
for _, x in ipairs(args) do
  show("sin", math.sin(x))
  show("cos", math.cos(x))
  show("tan", math.tan(x))
  show("exp", math.exp(x / 4))
  if x > 0 then
    show("log", math.log(x))
    show("log2", math.log(x, 2))
    show("log10", math.log(x, 10))
    show("sqrt", math.sqrt(x))
  end
  show("atan", math.atan(x, 3.0))
  show("asin", math.asin(math.sin(x)))
end

-- Integer and float division, floor division, modulo, fmod.
local pairs_ = {{7, 2}, {-7, 2}, {7, -2}, {7.5, 2}, {-7.5, 2}, {1e308, 1e-308}, {5.3, 1.1}, {2^53, 3}}
for _, p in ipairs(pairs_) do
  local a, b = p[1], p[2]
  print(fmt("%s / %s = %s; // %s; %% %s; fmod %s", tostring(a), tostring(b),
    tostring(a / b), tostring(a // b), tostring(a % b), tostring(math.fmod(a, b))))
end
print(tostring(7 // 2), tostring(-7 // 2), tostring(7 % -3), tostring(math.fmod(-7, 3)))
print(tostring(1 / 0), tostring(-1 / 0), tostring(0 / 0 ~= 0 / 0), tostring(math.huge))
print(math.tointeger(3.0), math.tointeger(3.5), math.type(1), math.type(1.0), 3 == 3.0)
print(math.floor(-3.5), math.ceil(-3.5), math.floor(2^60 + 0.0), math.ult(1, -1))
print(fmt("%5.2f|%-12e|%g|%g|%g|%.0f|%.0f", math.pi, -math.pi, 1e-5, 123456789.0, 0.0001, 0.5, 1.5))

-- tostring of floats: Lua prints %.14g and adds .0 to integral values.
for _, x in ipairs({1.0, -0.0, 0.1, 1/3, 2^63, 1e15, 1e16, 123.456e-300, 2.5e-320}) do
  print(tostring(x), fmt("%.17g", x), fmt("%a", x), fmt("%A", x))
end

-- tonumber on hex floats and exponents.
for _, s in ipairs({"0x1p-1074", "0x1.8p3", "1e308", "1e309", "-4.9e-324", "0x.1", "  12.5  "}) do
  print(s, tostring(tonumber(s)))
end

-- A series sum and a small iterated map (rounding accumulates).
local s, t = 0.0, 0.0
for k = 1, 2000 do
  s = s + 1.0 / (k * k)
  t = t + (-1) ^ (k + 1) / (2 * k - 1)
end
print(fmt("%.17g %.17g %.17g", s, t * 4, math.sqrt(s * 6)))
local x = 0.3
for _ = 1, 500 do x = 3.9 * x * (1 - x) end
print(fmt("%.17g %a", x, x))

-- Integer/float conversions at the edges.
print(math.maxinteger + 0.0, math.mininteger + 0.0, fmt("%.0f", 2^63), math.maxinteger // -1)
print(pcall(math.tointeger, 2^63), (2^53 + 1) == 2^53 + 1.0, 9007199254740993 < 9007199254740992.0)
