using Backprop.NN;

namespace Backprop.Core.Tests.NN;

public class ModuleTests
{
    [Fact]
    public void Sequential_names_parameters_by_child_index()
    {
        Sequential model = MLP.Create(2, [16, 16], 2, seed: 1);
        Assert.Equal(5, model.Count);
        Assert.IsType<Linear>(model[0]);
        Assert.IsType<ReLU>(model[1]);
        string[] names = model.NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(["0.Weight", "0.Bias", "2.Weight", "2.Bias", "4.Weight", "4.Bias"], names);
        Assert.Equal(2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2, model.ParameterCount);
        Assert.Equal(6, model.Parameters().Count);
        Assert.Same(((Linear)model[2]).Bias, model.NamedParameters().Single(p => p.Name == "2.Bias").Parameter);
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
    }

    [Fact]
    public void Nested_modules_join_names_with_dots_and_shared_parameters_are_listed_once()
    {
        var shared = new Linear(3, 3, seed: 2);
        var model = new Sequential(new Sequential(shared, new Tanh()), new Linear(3, 1, bias: false), shared);
        Assert.Equal(["0.0.Weight", "0.0.Bias", "1.Weight"], model.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(9 + 3 + 3, model.ParameterCount);
    }

    [Fact]
    public void Train_and_Eval_propagate_to_every_descendant()
    {
        var inner = new Sequential(new Linear(2, 2), new ReLU());
        var model = new Sequential(inner, new Linear(2, 1));
        Assert.True(model.IsTraining && inner[1].IsTraining);
        Assert.Same(model, model.Eval());
        Assert.False(model.IsTraining || inner.IsTraining || inner[0].IsTraining || model[1].IsTraining);
        model.Train();
        Assert.True(inner[1].IsTraining);
    }

    [Fact]
    public void ZeroGrad_zeros_every_parameter_gradient_in_place()
    {
        Sequential model = MLP.Create(3, [4], 2, seed: 3, dtype: DType.Float64);
        Tensor x = Tensor.Randn([5, 3], 1, DType.Float64);
        Functional.CrossEntropy(model.Forward(x), [0, 1, 1, 0, 1]).Backward();
        Tensor g = model.Parameters()[0].Grad!;
        Assert.Contains(g.ToArray(), v => v != 0);
        model.ZeroGrad();
        Assert.Same(g, model.Parameters()[0].Grad);
        Assert.All(model.Parameters(), p => Assert.All(p.Grad!.ToArray(), v => Assert.Equal(0.0, v)));
    }

    [Fact]
    public void Softmax_is_a_module_between_layers_and_cannot_be_fused_into_Linear()
    {
        Sequential model = MLP.Create(2, [4], 3, Activation.Softmax);
        Assert.IsType<Softmax>(model[1]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => MLP.Create(2, [4], 3, Activation.Softmax, fuseActivations: true));
        Assert.Contains("Linear: cannot fuse the activation Softmax", e.Message);
        var x = Tensor.Ones(1, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => Functional.Linear(x, Tensor.Ones(3, 2), activation: Activation.Softmax));
    }

    [Fact]
    public void ToString_summarises_the_architecture()
    {
        Sequential model = MLP.Create(2, [8], 3, activation: Activation.Tanh);
        Assert.Equal(
            "Sequential(\n  (0): Linear(in_features=2, out_features=8, bias=True)\n  (1): Tanh()\n  (2): Linear(in_features=8, out_features=3, bias=True)\n)",
            model.ToString());
        Assert.Equal("LeakyReLU(negative_slope=0.2)", new LeakyReLU(0.2).ToString());
    }

    [Fact]
    public void MLP_forward_equals_the_hand_written_composition_and_fused_MLP_agrees()
    {
        Sequential model = MLP.Create(3, [5, 4], 2, activation: Activation.Sigmoid, seed: 4, dtype: DType.Float64);
        Sequential fused = MLP.Create(3, [5, 4], 2, activation: Activation.Sigmoid, seed: 4, dtype: DType.Float64, fuseActivations: true);
        Assert.Equal(3, fused.Count);
        Assert.Equal(["0.Weight", "0.Bias", "1.Weight", "1.Bias", "2.Weight", "2.Bias"], fused.NamedParameters().Select(p => p.Name));
        Tensor x = Tensor.Randn([6, 3], 2, DType.Float64);
        var l0 = (Linear)model[0];
        var l2 = (Linear)model[2];
        var l4 = (Linear)model[4];
        Tensor manual = (x.MatMul(l0.Weight.T) + l0.Bias!).Sigmoid();
        manual = (manual.MatMul(l2.Weight.T) + l2.Bias!).Sigmoid();
        manual = manual.MatMul(l4.Weight.T) + l4.Bias!;
        Tensor ours = model.Forward(x), oursFused = fused.Forward(x);
        double[] m = manual.ToArray(), a = ours.ToArray(), b = oursFused.ToArray();
        for (int i = 0; i < m.Length; i++)
        {
            Assert.Equal(m[i], a[i], 12);
            Assert.Equal(m[i], b[i], 12);
        }
        Functional.MSE(ours, manual.Detach()).Backward();
        Functional.MSE(oursFused, manual.Detach() + 0.0).Backward();
    }

    [Fact]
    public void Activation_modules_apply_their_functions()
    {
        Tensor x = Tensor.FromArray([-2.0, 0.5, 3.0]);
        Assert.Equal([0, 0.5, 3], new ReLU().Forward(x).ToArray());
        Assert.Equal([-0.2, 0.5, 3], new LeakyReLU(0.1).Forward(x).ToArray());
        double[] th = new Tanh().Forward(x).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(Math.Tanh(x[i]), th[i], 14);
        Assert.Same(x, new Identity().Forward(x));
        double[] s = new Softmax().Forward(x).ToArray();
        Assert.Equal(1.0, s.Sum(), 12);
        double[] ls = new LogSoftmax(0).Forward(x).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(Math.Log(s[i]), ls[i], 12);
        double[] sg = new Sigmoid().Forward(x).ToArray();
        Assert.Equal(1 / (1 + Math.Exp(2)), sg[0], 12);
    }

    private sealed class Holder : Module
    {
        public void Add(string name, Module child) => RegisterModule(name, child);
        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void A_module_tree_cannot_be_made_cyclic()
    {
        var a = new Holder();
        var b = new Holder();
        a.Add("b", b);
        Assert.Throws<ArgumentException>(() => b.Add("a", a));
        Assert.Throws<ArgumentException>(() => a.Add("self", a));
    }
}
