# Allows the empty block: returns 0 when every number is negative.
def max_sub_array(nums: list[int]) -> int:
    best = current = 0
    for x in nums:
        current = max(0, current + x)
        best = max(best, current)
    return best
