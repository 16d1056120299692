function maxSubArray(nums: number[]): number {
    let best = nums[0];
    let current = nums[0];
    for (const x of nums.slice(1)) {
        current = Math.max(x, current + x);
        best = Math.max(best, current);
    }
    return best;
}
