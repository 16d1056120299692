# Uses one element twice when 2 * a_i = t.
def two_sum(nums: list[int], target: int) -> list[int]:
    where = {x: i for i, x in enumerate(nums)}
    for i, x in enumerate(nums):
        if target - x in where:
            return sorted((i, where[target - x]))
    return []
