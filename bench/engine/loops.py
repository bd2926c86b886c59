# Nested-loop numeric kernel: a small matrix product and a checksum.
def matmul(n):
    a = [i % 7 for i in range(0, n * n)]
    b = [(i * 3) % 5 for i in range(0, n * n)]
    total = 0
    for i in range(0, n):
        for j in range(0, n):
            s = 0
            for k in range(0, n):
                s = s + a[i * n + k] * b[k * n + j]
            total = (total + s * (i + j)) % 1000003
    return total


def main():
    return matmul(70)


print(main())
