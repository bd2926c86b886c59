# Closures and higher-order builtins.
from functools import reduce


def make_adder(k):
    return lambda x: x + k


def main():
    xs = list(range(0, 50000))
    add3 = make_adder(3)
    ys = list(map(add3, xs))
    zs = list(filter(lambda y: y % 3 == 0, ys))
    total = reduce(lambda acc, z: acc + z, zs, 0)
    by = {}
    for v in range(0, 20000):
        by.setdefault(str(v % 10), []).append(v)
    sorted_ys = sorted(ys[:20000], key=lambda v: -v)
    return total + len(by) + sorted_ys[0]


print(main())
