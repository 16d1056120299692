package main

func maxSubArray(nums []int) int {
	best, current := nums[0], nums[0]
	for _, x := range nums[1:] {
		current = max64(x, current+x)
		best = max64(best, current)
	}
	return best
}

func max64(a, b int) int {
	if a > b {
		return a
	}
	return b
}
