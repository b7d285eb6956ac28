namespace CnnShape.Tests.Cli;

/// <summary>The human output people read, compared with approved text.</summary>
public class SnapshotTests
{
    [Fact]
    public void Layer_report_shows_the_arithmetic_with_the_numbers_substituted()
    {
        var r = CliRunner.Run("layer", "nn.Conv2d(3, 64, 7, stride=2, padding=3)", "--input", "1x3x224x224");

        Assert.Equal(
            """
            nn.Conv2d(3, 64, 7, stride=2, padding=3)
              input   [1, 3, 224, 224]
              output  [1, 64, 112, 112]
                H: ⌊(224 + 2·3 − 1·(7−1) − 1)/2⌋ + 1 = 112
                W: ⌊(224 + 2·3 − 1·(7−1) − 1)/2⌋ + 1 = 112
              params  9,472    MACs  118,013,952

            """, r.Stdout);
    }

    [Fact]
    public void Ceil_mode_report_explains_a_dropped_last_window()
    {
        var r = CliRunner.Run("layer", "MaxPool1d(2, stride=2, padding=1, ceil_mode=True)", "--input", "1x1x5");

        Assert.Contains("L: ⌈(5 + 2·1 − 1·(2−1) − 1)/2⌉ + 1 = 4, but the last window would start at (4−1)·2 = 6 ≥ 5 + 1, inside the right padding, so PyTorch drops it: 3", r.Stdout);
    }

    [Fact]
    public void Running_with_no_arguments_shows_the_worked_examples()
    {
        var r = CliRunner.Run();

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Snapshots", "examples.approved.txt")), r.Stdout);
    }
}
