/**
 * @param {number[]} nums
 * @param {number} target
 * @return {number[]}
 */
function twoSum(nums, target) {
    const seen = new Map();
    for (let j = 0; j < nums.length; j++) {
        if (seen.has(target - nums[j])) return [seen.get(target - nums[j]), j];
        if (!seen.has(nums[j])) seen.set(nums[j], j);
    }
    return [];
}
