# List and map heavy work: counting words in a map, sorting and filtering.
def word_counts(n):
    counts = {}
    for i in range(0, n):
        key = f"w{i % 97}"
        counts[key] = (counts.get(key) or 0) + 1
    return counts


def main():
    counts = word_counts(60000)
    keys = sorted(counts.keys())
    total = 0
    for k in keys:
        total = total + counts[k]
    evens = [x for x in range(0, 40000) if x % 2 == 0]
    squares = [x * x for x in evens]
    return total + len(squares) + squares[100]


print(main())
