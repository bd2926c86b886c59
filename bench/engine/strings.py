# String building: interpolation, concatenation, split and join.
def build(n):
    parts = []
    for i in range(0, n):
        word = f"item{i}"
        parts = parts + [word.upper() + "-" + str(i * 2)]
    text = ",".join(parts)
    pieces = text.split(",")
    total = 0
    for p in pieces:
        total = total + len(p)
    return total


def main():
    t = 0
    for round in range(0, 20):
        t = t + build(2000)
    return t


print(main())
