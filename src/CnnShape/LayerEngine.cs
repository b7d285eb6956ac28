using CnnShape.Layers;
using CnnShape.Parsing;
using CnnShape.Shapes;

namespace CnnShape;

/// <summary>The front door for single layers: text in, PyTorch's answer (or refusal) out.</summary>
public static class LayerEngine
{
    /// <summary>Parses and builds a layer written as PyTorch code or in PyTorch's printed form.</summary>
    public static Layer Build(string text)
    {
        try
        {
            return LayerCatalog.Build(LayerText.Parse(text));
        }
        catch (CnnShapeException e)
        {
            throw new CnnShapeException($"layer `{text.Trim()}`: {e.Message}");
        }
        catch (OverflowException)
        {
            throw new CnnShapeException($"layer `{text.Trim()}`: a number in it overflows 64-bit arithmetic; cnnshape refuses rather than give a wrong number.");
        }
    }

    /// <summary>The output of <paramref name="text"/> applied to <paramref name="input"/>, exactly as PyTorch computes it.</summary>
    public static LayerResult Apply(string text, Shape input) => Apply(Build(text), input, text);

    /// <summary>Applies a built layer; errors name the layer text.</summary>
    public static LayerResult Apply(Layer layer, Shape input, string text)
    {
        try
        {
            return layer.Apply(input);
        }
        catch (CnnShapeException e)
        {
            throw new CnnShapeException($"layer `{text.Trim()}` on input {input}: {e.Message}");
        }
        catch (OverflowException)
        {
            throw new CnnShapeException($"layer `{text.Trim()}` on input {input}: the computation overflows 64-bit integers; cnnshape refuses rather than give a wrong number.");
        }
    }
}
