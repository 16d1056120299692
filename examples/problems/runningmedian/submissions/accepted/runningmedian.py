import heapq

input()
low, high = [], []  # max-heap (negated) of the lower half, min-heap of the upper half
out = []
for x in map(int, input().split()):
    if low and x > -low[0]:
        heapq.heappush(high, x)
    else:
        heapq.heappush(low, -x)
    if len(low) > len(high) + 1:
        heapq.heappush(high, -heapq.heappop(low))
    elif len(high) > len(low):
        heapq.heappush(low, -heapq.heappop(high))
    out.append(-low[0])
print("\n".join(map(str, out)))
