# Records and pattern matching over an enum.
from dataclasses import dataclass


@dataclass(frozen=True)
class Circle:
    r: int


@dataclass(frozen=True)
class Rect:
    w: int
    h: int


@dataclass(frozen=True)
class Dot:
    pass


@dataclass(frozen=True)
class Item:
    name: str
    shape: object
    weight: int = 1


def area(s):
    match s:
        case Circle(r=r):
            return 3 * r * r
        case Rect(w=w, h=h):
            return w * h
        case Dot():
            return 0
    return 0


def make_item(i):
    shape = Circle(i % 10) if i % 3 == 0 else Rect(i % 5, i % 7) if i % 3 == 1 else Dot()
    return Item(name=f"n{i}", shape=shape, weight=i % 4)


def main():
    items = [make_item(i) for i in range(0, 30000)]
    total = 0
    for it in items:
        total = total + area(it.shape) * it.weight
    return total


print(main())
