namespace WeightInit.Tests.Oracles;

public class OracleTests
{
    [Fact]
    public void MissingReason_UnknownName_ListsValidNames()
    {
        var e = Assert.Throws<ArgumentException>(() => Oracle.MissingReason("matlab"));
        Assert.Contains("fashion-mnist", e.Message);
    }

    [Fact]
    public void SkipReason_NoOracles_NeverSkips()
    {
        Assert.Null(Oracle.SkipReason([]));
    }

    [OracleFact(Oracle.Numpy)]
    public void PythonRun_FailingScript_ThrowsWithStandardError()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Python.Run("import sys\nsys.stderr.write('boom-marker')\nsys.exit(3)"));
        Assert.Contains("boom-marker", e.Message);
        Assert.Contains("code 3", e.Message);
    }

    [OracleFact(Oracle.Numpy)]
    public void PythonRun_Numpy_ReturnsStandardOutput()
    {
        Assert.Equal("6", Python.Run("import numpy as np\nprint(int(np.arange(4).sum()))").Trim());
    }

    [OracleFact(Oracle.FashionMnist)]
    public void FashionMnistFiles_Installed_ListsTheFourIdxFiles()
    {
        var names = Oracle.FashionMnistFiles().Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"], names);
    }
}
