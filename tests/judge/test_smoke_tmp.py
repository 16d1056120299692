from support import make_problem


async def test_smoke(judge, tmp_path):
    p = make_problem(tmp_path, {"sample/1": ("1 2\n", "3\n"), "secret/1": ("5 6\n", "11\n")})
    r = await judge(p, "a,b=map(int,input().split())\nprint(a+b)\n", "python3")
    assert r.verdict == "AC", r
