using CnnShape.Layers;
using CnnShape.Parsing;
using CnnShape.Shapes;

namespace CnnShape;

/// <summary>The front door for single layers: text in, PyTorch's answer (or refusal) out.</summary>
public static class LayerEngine
{
    /// <summary>The refusal for arithmetic past 64 bits: never a wrapped, wrong number.</summary>
    public const string OverflowRule = "the computation overflows 64-bit integers; cnnshape refuses rather than give a wrong number.";

    /// <summary>Parses and builds a layer written as PyTorch code or in PyTorch's printed form; a refusal carries the text as its place.</summary>
    public static Layer Build(string text)
    {
        try
        {
            return LayerCatalog.Build(LayerText.Parse(text));
        }
        catch (CnnShapeException e)
        {
            throw e.Within(new Place { Text = text.Trim() });
        }
        catch (OverflowException)
        {
            throw new CnnShapeException(OverflowRule, new Place { Text = text.Trim() });
        }
    }

    /// <summary>The output of <paramref name="text"/> applied to <paramref name="input"/>, exactly as PyTorch computes it.</summary>
    public static LayerResult Apply(string text, Shape input) => Apply(Build(text), input, text);

    /// <summary>Applies a built layer; a refusal carries the layer text and the input as its place.</summary>
    public static LayerResult Apply(Layer layer, Shape input, string text, bool training = true)
    {
        try
        {
            return training ? layer.Apply(input) : layer.ApplyInEval(input);
        }
        catch (CnnShapeException e)
        {
            throw e.Within(new Place { Text = text.Trim(), Input = input.ToString() });
        }
        catch (OverflowException)
        {
            throw new CnnShapeException(OverflowRule, new Place { Text = text.Trim(), Input = input.ToString() });
        }
    }
}
