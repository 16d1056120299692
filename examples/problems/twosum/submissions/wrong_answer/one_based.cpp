// Counts positions from 1, as the stdin version of this problem did.
#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    vector<long long> twoSum(vector<long long>& nums, long long target) {
        for (long long i = 0; i < (long long)nums.size(); i++)
            for (long long j = i + 1; j < (long long)nums.size(); j++)
                if (nums[i] + nums[j] == target) return {i + 1, j + 1};
        return {};
    }
};
