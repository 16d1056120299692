#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    long long maxSubArray(vector<long long>& nums) {
        long long best = nums[0], current = nums[0];
        for (size_t i = 1; i < nums.size(); i++) {
            current = max(nums[i], current + nums[i]);
            best = max(best, current);
        }
        return best;
    }
};
