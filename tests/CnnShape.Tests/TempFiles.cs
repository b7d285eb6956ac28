namespace CnnShape.Tests;

/// <summary>A temporary folder for one test class instance, removed when the test is done.</summary>
public sealed class TempFiles : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("cnnshape-test");

    /// <summary>Writes a file with this name and text; returns its path.</summary>
    public string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes a file with these bytes; returns its path.</summary>
    public string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The folder itself.</summary>
    public string Folder => _dir.FullName;

    public void Dispose()
    {
        try { _dir.Delete(recursive: true); }
        catch (IOException) { }
    }
}
