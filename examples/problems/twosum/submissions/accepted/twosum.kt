class Solution {
    fun twoSum(nums: LongArray, target: Long): LongArray {
        val seen = HashMap<Long, Int>()
        for (j in nums.indices) {
            val i = seen[target - nums[j]]
            if (i != null) return longArrayOf(i.toLong(), j.toLong())
            seen.putIfAbsent(nums[j], j)
        }
        return LongArray(0)
    }
}
