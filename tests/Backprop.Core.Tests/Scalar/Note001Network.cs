namespace Backprop.Core.Tests.Scalar;

/// <summary>
/// The network of note 001: inputs x1, x2; hidden h1 = z1 (z1 = w11·x1 + w21·x2), h2 = ½z2²
/// (z2 = w12·x1 + w22·x2); h3 = 2·z3 (z3 = v11·h1), h4 = e^z4 (z4 = v12·h1 + v22·h2); output
/// o = sin(zo), zo = u1·h3 + u2·h4; loss J = ½(o − t)².
/// </summary>
internal sealed class Note001Network
{
    public Value W11, W12, W21, W22, V11, V12, V22, U1, U2;
    public Value X1, X2, Z1, H1, Z2, H2, Z3, H3, Z4, H4, Zo, O, J;
    public double T;

    public Note001Network(double[] weights, double x1, double x2, double t)
    {
        W11 = Value.Parameter(weights[0], "w11"); W12 = Value.Parameter(weights[1], "w12");
        W21 = Value.Parameter(weights[2], "w21"); W22 = Value.Parameter(weights[3], "w22");
        V11 = Value.Parameter(weights[4], "v11"); V12 = Value.Parameter(weights[5], "v12");
        V22 = Value.Parameter(weights[6], "v22");
        U1 = Value.Parameter(weights[7], "u1"); U2 = Value.Parameter(weights[8], "u2");
        X1 = new Value(x1, "x1"); X2 = new Value(x2, "x2"); T = t;
        Z1 = H1 = Z2 = H2 = Z3 = H3 = Z4 = H4 = Zo = O = J = null!;
        Forward();
    }

    public Value[] Weights => [W11, W12, W21, W22, V11, V12, V22, U1, U2];

    public Value Forward()
    {
        Z1 = W11 * X1 + W21 * X2; H1 = Z1.Apply(z => z, _ => 1, "f1: x");
        Z2 = W12 * X1 + W22 * X2; H2 = Z2.Apply(z => z * z / 2, z => z, "f2: x²/2");
        Z3 = V11 * H1;            H3 = Z3.Apply(z => 2 * z, _ => 2, "f3: 2x");
        Z4 = V12 * H1 + V22 * H2; H4 = Z4.Exp();
        Zo = U1 * H3 + U2 * H4;   O = Zo.Sin();
        J = 0.5 * (O - T).Pow(2);
        return J;
    }
}
