namespace Backprop.Core.Tests.Scalar;

/// <summary>Note 001's worked example, through several paths, checked three ways.</summary>
public class Note001Tests
{
    [Fact]
    public void All_zero_weights_with_x_0_1_t_0_fill_every_blank_of_the_note()
    {
        var net = new Note001Network(new double[9], x1: 0, x2: 1, t: 0);
        net.J.Backward();

        // Step 1, forward: h1 = 0, h2 = 0, h3 = 0, h4 = e⁰ = 1, o = sin 0 = 0.
        Assert.Equal(0.0, net.H1.Data);
        Assert.Equal(0.0, net.H2.Data);
        Assert.Equal(0.0, net.H3.Data);
        Assert.Equal(1.0, net.H4.Data);
        Assert.Equal(0.0, net.O.Data);
        // Step 2, loss: J = ½(0 − 0)² = 0 and ∂J/∂o = o − t = 0.
        Assert.Equal(0.0, net.J.Data);
        Assert.Equal(0.0, net.O.Grad);
        // Layer 3 local derivatives: ∂o/∂h3 = cos(zo)·u1 = 0, ∂o/∂h4 = cos(zo)·u2 = 0,
        // ∂o/∂u1 = cos(zo)·h3 = 0, ∂o/∂u2 = cos(zo)·h4 = 1.
        double cosZo = Math.Cos(net.Zo.Data);
        Assert.Equal(1.0, cosZo);
        Assert.Equal(0.0, cosZo * net.U1.Data);
        Assert.Equal(0.0, cosZo * net.U2.Data);
        Assert.Equal(0.0, cosZo * net.H3.Data);
        Assert.Equal(1.0, cosZo * net.H4.Data);
        // Every ∂J/∂(weight) is zero because ∂J/∂o is: the update leaves every weight at 0.
        foreach (Value w in net.Weights) Assert.Equal(0.0, w.Grad);
        const double lr = 0.1;
        foreach (Value w in net.Weights) Assert.Equal(0.0, w.Data - lr * w.Grad);
    }

    private static readonly double[] NonZeroWeights = [0.3, -0.4, 0.5, 0.6, 0.7, -0.8, 0.9, 1.1, -0.5];

    [Fact]
    public void Non_zero_weights_match_the_hand_derived_chain_rule()
    {
        double[] w = NonZeroWeights;
        double x1 = 0.5, x2 = 1.0, t = 0.25;
        var net = new Note001Network(w, x1, x2, t);
        net.J.Backward();

        // Forward by hand.
        double w11 = w[0], w12 = w[1], w21 = w[2], w22 = w[3], v11 = w[4], v12 = w[5], v22 = w[6], u1 = w[7], u2 = w[8];
        double z1 = w11 * x1 + w21 * x2, h1 = z1;
        double z2 = w12 * x1 + w22 * x2, h2 = z2 * z2 / 2;
        double z3 = v11 * h1, h3 = 2 * z3;
        double z4 = v12 * h1 + v22 * h2, h4 = Math.Exp(z4);
        double zo = u1 * h3 + u2 * h4, o = Math.Sin(zo);
        Assert.Equal(o, net.O.Data, 15);
        Assert.Equal(0.5 * (o - t) * (o - t), net.J.Data, 15);

        // Backward by hand, one link at a time (note 001, with the sign (o − t)).
        double dJdo = o - t, dJdzo = dJdo * Math.Cos(zo);
        double dJdu1 = dJdzo * h3, dJdu2 = dJdzo * h4;
        double dJdh3 = dJdzo * u1, dJdh4 = dJdzo * u2;
        double dJdz3 = dJdh3 * 2, dJdz4 = dJdh4 * Math.Exp(z4);
        double dJdv11 = dJdz3 * h1, dJdv12 = dJdz4 * h1, dJdv22 = dJdz4 * h2;
        double dJdh1 = dJdz3 * v11 + dJdz4 * v12; // two sub-gradients add up
        double dJdh2 = dJdz4 * v22;
        double dJdz1 = dJdh1 * 1, dJdz2 = dJdh2 * z2;
        double[] expected = [dJdz1 * x1, dJdz2 * x1, dJdz1 * x2, dJdz2 * x2, dJdv11, dJdv12, dJdv22, dJdu1, dJdu2];

        for (int i = 0; i < expected.Length; i++)
        {
            Assert.NotEqual(0.0, expected[i]);
            Assert.Equal(expected[i], net.Weights[i].Grad, 14);
        }
        Assert.Equal(dJdh1, net.H1.Grad, 14);
        Assert.Equal(dJdh3, net.H3.Grad, 14);
        Assert.Equal(dJdh4, net.H4.Grad, 14);

        // ∂J/∂w11 as the sum over its two paths w11 → h1 → h3 → o and w11 → h1 → h4 → o.
        double path1 = dJdo * (Math.Cos(zo) * u1) * (2 * v11) * (1 * x1);
        double path2 = dJdo * (Math.Cos(zo) * u2) * (Math.Exp(z4) * v12) * (1 * x1);
        Assert.Equal(path1 + path2, net.W11.Grad, 14);
    }

    [Fact]
    public void Non_zero_weights_agree_with_finite_differences()
    {
        var net = new Note001Network(NonZeroWeights, 0.5, 1.0, 0.25);
        GradCheckResult check = GradCheck.Check(net.Weights, net.Forward);
        Assert.True(check.Passed(), check.ToString());
        Assert.All(check, e => Assert.NotEqual(0.0, e.Analytic));
        Assert.True(check.MaxRelativeError < 1e-7, check.ToString());
    }

    [Fact]
    public void The_notes_t_minus_o_sign_is_the_wrong_one()
    {
        // Note 001 writes ∂J/∂h3 = (t − o)·cos(zo)·u1; with J = ½(o − t)² it is (o − t)·cos(zo)·u1.
        var net = new Note001Network(NonZeroWeights, 0.5, 1.0, 0.25);
        net.J.Backward();
        double o = net.O.Data, t = net.T, common = Math.Cos(net.Zo.Data) * net.U1.Data;
        Assert.Equal((o - t) * common, net.H3.Grad, 14);
        Assert.NotEqual((t - o) * common, net.H3.Grad, 6);
    }
}
