using System.Diagnostics;

namespace CnnShape.Cli;

/// <summary>
/// Whether the running binary is older than the sources it was built from: .build/sources lists the source files and
/// the folders holding them (written by the launcher at each build); a file edited is newer, a file added or removed
/// makes its folder newer, a file missing is a change. About 130 stat calls: a fraction of a millisecond.
/// </summary>
internal static class Freshness
{
    public static bool IsStale(string launcher)
    {
        try
        {
            string root = Path.GetDirectoryName(Path.GetFullPath(launcher))!;
            string manifest = Path.Combine(root, ".build", "sources");
            string? binary = Environment.ProcessPath;
            if (binary is null || !File.Exists(manifest)) return false;
            var built = File.GetLastWriteTimeUtc(binary);
            if (File.GetLastWriteTimeUtc(manifest) > built) return true;
            foreach (var line in File.ReadLines(manifest))
            {
                if (line.Length == 0) continue;
                string path = Path.Combine(root, line);
                var info = new FileInfo(path);
                if (info.Exists)
                {
                    if (info.LastWriteTimeUtc > built) return true;
                }
                else if (Directory.Exists(path))
                {
                    if (Directory.GetLastWriteTimeUtc(path) > built) return true;
                }
                else
                {
                    return true;
                }
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Runs the launcher in its build mode with the same arguments and streams; its exit code is this run's.</summary>
    public static int Rebuild(string launcher, string[] args)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add(launcher);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["CNNSHAPE_REBUILD"] = "1";
        start.Environment.Remove("CNNSHAPE_LAUNCHER");
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
