namespace CnnShape.Tests.Networks;

/// <summary>
/// torchvision's own model files, read as Debian's python3-torchvision 0.14 installs them (oracle/gen_python.py):
/// every leaf call, the parameter count and the outputs are torchvision's, call by call.
/// </summary>
public class TorchvisionTests
{
    /// <summary>The oracle's cases that read an installed torchvision file.</summary>
    public static TheoryData<string> Names => [.. PythonOracle.Cases.Keys.Where(PythonOracle.IsTorchvision)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_leaf_module_call_has_PyTorchs_shape_in_PyTorchs_order(string name) => PythonOracle.Calls(name);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_parameter_count_is_PyTorchs(string name) => PythonOracle.Parameters(name);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_run_ends_as_PyTorchs_does(string name) => PythonOracle.Ending(name);
}
