using WeightInit.Reporting;

namespace WeightInit.Reporting.Tests;

public class AxisTicksTests
{
    [Theory]
    [InlineData(1.0, 1, 0)]
    [InlineData(2.0, 2, 0)]
    [InlineData(2.0000001, 5, 0)]
    [InlineData(3.0, 5, 0)]
    [InlineData(5.0, 5, 0)]
    [InlineData(7.0, 1, 1)]
    [InlineData(0.13, 2, -1)]
    [InlineData(1000.0, 1, 3)]
    [InlineData(1e-300, 1, -300)]
    public void NiceStep_RoughStep_RoundsUpToOneTwoFive(double rough, int mantissa, int exponent)
    {
        Assert.Equal((mantissa, exponent), AxisTicks.NiceStep(rough));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NiceStep_NotPositiveFinite_Throws(double rough)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AxisTicks.NiceStep(rough));
    }

    [Fact]
    public void Linear_ZeroToOne_StepsOfPointTwoWithFixedDecimals()
    {
        var set = AxisTicks.Linear(0, 1, targetIntervals: 5);
        Assert.Equal(new[] { 0, 0.2, 0.4, 0.6, 0.8, 1.0 }, set.Ticks.Select(t => t.Value));
        Assert.Equal(new[] { "0.0", "0.2", "0.4", "0.6", "0.8", "1.0" }, set.Ticks.Select(t => t.Label));
        Assert.Equal((0.0, 1.0), (set.Min, set.Max));
    }

    [Fact]
    public void Linear_DecimalSteps_ValuesCarryNoFloatingPointNoise()
    {
        // 3 × 0.1 is 0.30000000000000004 in binary floating point; the tick must be the double nearest 0.3.
        var set = AxisTicks.Linear(0.3, 0.7, targetIntervals: 5);
        Assert.Equal(new[] { 0.3, 0.4, 0.5, 0.6, 0.7 }, set.Ticks.Select(t => t.Value));
        Assert.Equal(new[] { "0.3", "0.4", "0.5", "0.6", "0.7" }, set.Ticks.Select(t => t.Label));
    }

    [Fact]
    public void Linear_UnalignedData_WidensToEnclosingTicks()
    {
        // Span 30 over 5 intervals: rough step 6, nearest 1-2-5 step 5; the ends widen to -10 and 25.
        var set = AxisTicks.Linear(-7, 23, targetIntervals: 5);
        Assert.Equal(new[] { -10.0, -5, 0, 5, 10, 15, 20, 25 }, set.Ticks.Select(t => t.Value));
        Assert.Equal(new[] { "-10", "-5", "0", "5", "10", "15", "20", "25" }, set.Ticks.Select(t => t.Label));
        Assert.Equal((-10.0, 25.0), (set.Min, set.Max));
    }

    [Fact]
    public void Linear_FixedRange_KeepsEndsAndTicksInside()
    {
        var set = AxisTicks.Linear(-7, 23, targetIntervals: 5, fixedRange: true);
        Assert.Equal((-7.0, 23.0), (set.Min, set.Max));
        Assert.Equal(new[] { -5.0, 0, 5, 10, 15, 20 }, set.Ticks.Select(t => t.Value));
    }

    [Fact]
    public void Linear_RoughStepNearFive_TakesNearestNotNextStep()
    {
        // Span 2.5 over 4 intervals: rough step 0.625 is nearer 0.5 than 1.
        var set = AxisTicks.Linear(0.45, 2.95, targetIntervals: 4, fixedRange: true);
        Assert.Equal(new[] { 0.5, 1.0, 1.5, 2.0, 2.5 }, set.Ticks.Select(t => t.Value));
    }

    [Fact]
    public void Linear_TinyValues_ScientificLabels()
    {
        var set = AxisTicks.Linear(1e-9, 5e-9, targetIntervals: 4);
        Assert.Equal(new[] { "1e-9", "2e-9", "3e-9", "4e-9", "5e-9" }, set.Ticks.Select(t => t.Label));
    }

    [Fact]
    public void Linear_HugeValues_ScientificLabelsAndZero()
    {
        var set = AxisTicks.Linear(0, 3e7, targetIntervals: 3);
        Assert.Equal(new[] { "0", "1e7", "2e7", "3e7" }, set.Ticks.Select(t => t.Label));
    }

    [Fact]
    public void Linear_SingleValue_SpansAroundIt()
    {
        var set = AxisTicks.Linear(4, 4);
        Assert.True(set.Min < 4 && set.Max > 4, $"range [{set.Min}, {set.Max}] must contain 4 strictly");
        Assert.All(set.Ticks, t => Assert.True(double.IsFinite(t.Value)));
    }

    [Fact]
    public void Linear_NearDoubleMax_StaysFinite()
    {
        var set = AxisTicks.Linear(-1.5e308, 1.5e308);
        Assert.All(set.Ticks, t => Assert.True(double.IsFinite(t.Value), $"tick {t.Value} not finite"));
        Assert.True(set.Ticks.Count >= 3);
    }

    [Fact]
    public void Linear_NonFiniteEnd_ThrowsNamingTheProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => AxisTicks.Linear(0, double.NaN));
        Assert.Contains("finite", error.Message);
    }

    [Fact]
    public void Log10_ThirtyDecadesEachSide_LabelsEveryTenthDecade()
    {
        var set = AxisTicks.Log10(1e-30, 1e30, maxLabels: 8);
        Assert.Equal(new[] { -30, -20, -10, 0, 10, 20, 30 }, set.MajorTicks.Select(t => t.DecadeExponent!.Value));
        Assert.Equal(new[] { "10^-30", "10^-20", "10^-10", "10^0", "10^10", "10^20", "10^30" }, set.MajorTicks.Select(t => t.Label));
        Assert.Equal((1e-30, 1e30), (set.Min, set.Max));
        // The 54 unlabelled decades stay as minor ticks.
        Assert.Equal(54, set.Ticks.Count(t => !t.IsMajor));
    }

    [Fact]
    public void Log10_FewDecades_WholeDecadesWithMinorTicks()
    {
        var set = AxisTicks.Log10(0.5, 200);
        Assert.Equal((0.1, 1000.0), (set.Min, set.Max));
        Assert.Equal(new[] { 0.1, 1, 10, 100, 1000 }, set.MajorTicks.Select(t => t.Value));
        // 2..9 in each of the four decades.
        Assert.Equal(32, set.Ticks.Count(t => !t.IsMajor));
        Assert.Contains(set.Ticks, t => !t.IsMajor && t.Value == 0.2);
        Assert.Contains(set.Ticks, t => !t.IsMajor && t.Value == 900);
    }

    [Fact]
    public void Log10_ExactPowerOfTen_IsItsOwnDecade()
    {
        var set = AxisTicks.Log10(10, 1000);
        Assert.Equal((10.0, 1000.0), (set.Min, set.Max));
    }

    [Fact]
    public void Log10_SingleValue_OneDecadeEachSide()
    {
        var set = AxisTicks.Log10(1, 1);
        Assert.Equal((0.1, 10.0), (set.Min, set.Max));
    }

    [Fact]
    public void Log10_WholeDoubleRange_StaysFinite()
    {
        var set = AxisTicks.Log10(double.Epsilon, double.MaxValue);
        Assert.True(set.Min > 0 && double.IsFinite(set.Max));
        Assert.All(set.Ticks, t => Assert.True(t.Value > 0 && double.IsFinite(t.Value)));
    }

    [Fact]
    public void Log10_NonPositiveMinimum_ThrowsNamingTheProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => AxisTicks.Log10(0, 10));
        Assert.Contains("positive", error.Message);
    }

    [Fact]
    public void SymLog_BothSigns_ZeroAndSignedDecades()
    {
        var set = AxisTicks.SymLog(-50, 1000, linearWidth: 1, maxLabels: 6);
        Assert.Equal(new[] { -100.0, -10, -1, 0, 1, 10, 100, 1000 }, set.Ticks.Select(t => t.Value));
        Assert.Equal(new[] { "-100", "-10", "-1", "0", "1", "10", "100", "1000" }, set.Ticks.Select(t => t.Label));
    }

    [Fact]
    public void Log10_WithinOneDecade_LabelsOneTwoFive()
    {
        // A colour bar over χ₁ ∈ [0.4, 3] had one label (10^0); now 0.5, 1 and 2, with the other minors unlabelled.
        var set = AxisTicks.Log10(0.4, 3, maxLabels: 8, fixedRange: true);
        Assert.Equal(new[] { "0.5", "1", "2" }, set.MajorTicks.Select(t => t.Label));
        Assert.All(set.MajorTicks, t => Assert.Null(t.DecadeExponent));
        Assert.Equal(set.Ticks.Select(t => t.Value).Order(), set.Ticks.Select(t => t.Value));
        // Parts of three decades with one decade inside (as Fig 13's χ₁ over [0.06, 3.2]).
        Assert.Equal(new[] { "0.1", "0.2", "0.5", "1", "2" }, AxisTicks.Log10(0.06, 3.2, fixedRange: true).MajorTicks.Select(t => t.Label));
        // Inside one decade with no 1-2-5 multiple but 1 (χ₁ over [0.6, 1.7]): linear 1-2-5 steps on the log scale.
        Assert.Equal(new[] { "0.6", "0.8", "1.0", "1.2", "1.4", "1.6" }, AxisTicks.Log10(0.6, 1.7, maxLabels: 8, fixedRange: true).MajorTicks.Select(t => t.Label));
        // Three or more decades keep their 10^k labels.
        Assert.Equal(new[] { "10^-1", "10^0", "10^1" }, AxisTicks.Log10(0.1, 10, fixedRange: true).MajorTicks.Select(t => t.Label));
    }
}
