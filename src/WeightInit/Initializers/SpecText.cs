using System.Globalization;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Initializers;

/// <summary>The spellings used in specifications: snake_case words, invariant numbers.</summary>
internal static class SpecText
{
    public static string Of(FanMode mode) => mode switch { FanMode.FanIn => "fan_in", FanMode.FanOut => "fan_out", _ => "fan_avg" };

    public static string Of(VarianceDistribution d) => d switch
    {
        VarianceDistribution.Uniform => "uniform",
        VarianceDistribution.Normal => "normal",
        _ => "truncated_normal",
    };

    public static string Of(BoundUnit unit) => unit == BoundUnit.Absolute ? "absolute" : "sigma";

    public static string Of(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The one reader of numbers in initializer and model specs: a finite number or an arithmetic expression of
/// numbers, <c>sqrt(…)</c> (also <c>√</c>), <c>pi</c>, <c>+ - * /</c>, <c>**</c> and parentheses, e.g. <c>sqrt(2)</c>, <c>1/sqrt(5)</c>, <c>2**-0.5</c>.</summary>
/// <remarks>A plain number reads to the same double as <see cref="double.Parse(string, IFormatProvider)"/> (invariant culture);
/// <c>sqrt(x)</c> is <see cref="Math.Sqrt"/> of <c>x</c>, so <c>sqrt(5)</c> is the double PyTorch's <c>math.sqrt(5)</c> gives.</remarks>
public static class SpecNumber
{
    /// <summary>Reads <paramref name="text"/>; false when it is not such an expression or its value is not finite.</summary>
    public static bool TryParse(string? text, out double value)
    {
        value = double.NaN;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var reader = new Reader(text);
        if (!reader.Expression(out value) || !reader.AtEnd || !double.IsFinite(value)) { value = double.NaN; return false; }
        return true;
    }

    /// <summary>Reads <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">Not a finite number or expression; the message says what is accepted.</exception>
    public static double Parse(string text) => TryParse(text, out var x) ? x
        : throw new FormatException($"'{text}' is not a finite number or expression (numbers, sqrt(x), pi, + - * / ** and parentheses, e.g. 1/sqrt(5)).");

    private ref struct Reader(string text)
    {
        private readonly string _text = text;
        private int _at;

        public bool AtEnd { get { Skip(); return _at == _text.Length; } }

        private void Skip() { while (_at < _text.Length && char.IsWhiteSpace(_text[_at])) _at++; }

        private bool Take(string token)
        {
            Skip();
            if (string.Compare(_text, _at, token, 0, token.Length, StringComparison.OrdinalIgnoreCase) != 0) return false;
            _at += token.Length;
            return true;
        }

        public bool Expression(out double value)
        {
            if (!Term(out value)) return false;
            while (true)
            {
                if (Take("+")) { if (!Term(out var r)) return false; value += r; }
                else if (Take("-")) { if (!Term(out var r)) return false; value -= r; }
                else return true;
            }
        }

        private bool Term(out double value)
        {
            if (!Unary(out value)) return false;
            while (true)
            {
                Skip();
                if (_at + 1 < _text.Length && _text[_at] == '*' && _text[_at + 1] == '*') return true;
                if (Take("*")) { if (!Unary(out var r)) return false; value *= r; }
                else if (Take("/")) { if (!Unary(out var r)) return false; value /= r; }
                else return true;
            }
        }

        private bool Unary(out double value)
        {
            if (Take("-")) { bool ok = Unary(out value); value = -value; return ok; }
            if (Take("+")) return Unary(out value);
            return Power(out value);
        }

        private bool Power(out double value)
        {
            if (!Primary(out value)) return false;
            if (!Take("**")) return true;
            if (!Unary(out var exponent)) return false;
            value = Math.Pow(value, exponent);
            return true;
        }

        private bool Primary(out double value)
        {
            value = double.NaN;
            if (Take("(")) return Expression(out value) && Take(")");
            if (Take("sqrt")) { if (!Take("(") || !Expression(out var x) || !Take(")")) return false; value = Math.Sqrt(x); return true; }
            if (Take("√")) { if (!Primary(out var x)) return false; value = Math.Sqrt(x); return true; }
            if (Take("pi") || Take("π")) { value = Math.PI; return true; }
            Skip();
            int start = _at;
            while (_at < _text.Length && (char.IsAsciiDigit(_text[_at]) || _text[_at] == '.')) _at++;
            if (_at < _text.Length && _at > start && (_text[_at] is 'e' or 'E'))
            {
                int mark = _at++;
                if (_at < _text.Length && _text[_at] is '+' or '-') _at++;
                int digits = _at;
                while (_at < _text.Length && char.IsAsciiDigit(_text[_at])) _at++;
                if (_at == digits) _at = mark;
            }
            return _at > start && double.TryParse(_text.AsSpan(start, _at - start), NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
        }
    }
}
