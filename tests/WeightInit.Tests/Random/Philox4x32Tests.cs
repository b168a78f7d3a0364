using WeightInit.Random;

namespace WeightInit.Tests.Random;

public class Philox4x32Tests
{
    // Random123 tests/kat_vectors, the three "philox4x32 10" lines, verbatim (first word of each group is element [0]).
    [Theory]
    [InlineData("00000000 00000000 00000000 00000000", "00000000 00000000", "6627e8d5 e169c58d bc57ac4c 9b00dbd8")]
    [InlineData("ffffffff ffffffff ffffffff ffffffff", "ffffffff ffffffff", "408f276d 41c83b0e a20bc7c6 6d5451fd")]
    [InlineData("243f6a88 85a308d3 13198a2e 03707344", "a4093822 299f31d0", "d16cfe09 94fdcceb 5001e420 24126ea1")]
    public void Block_Random123KnownAnswer_Matches(string counter, string key, string expected)
    {
        uint[] c = Parse(counter), k = Parse(key), e = Parse(expected);
        var (x0, x1, x2, x3) = Philox4x32.Block(c[0], c[1], c[2], c[3], k[0], k[1]);
        Assert.Equal(e, new[] { x0, x1, x2, x3 });
    }

    internal static uint[] Parse(string words) =>
        words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => Convert.ToUInt32(w, 16)).ToArray();
}
