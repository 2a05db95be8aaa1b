using System.Text;
using Backprop.Data;
using Backprop.IO;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Backprop.Core.Tests.IO;

/// <summary>Edge cases of the model formats: rank-0 parameters in checkpoints, checkpoints without a generator, PyTorch's
/// top-level batch norm counter, the dtype of parameter-less ONNX graphs, and a batch count past float32's integers.</summary>
public sealed class FormatEdgeCaseTests() : TempFolder("bpnn-edge-")
{
    /// <summary>y = x·T with one learnable scalar.</summary>
    private sealed class Scaled : Module
    {
        public Scaled() => T = RegisterParameter("T", Tensor.Scalar(2.0, DType.Float64));

        public Tensor T { get; }

        public override Tensor Forward(Tensor input) => input * T;
    }

    [Fact]
    public void A_rank_0_parameter_and_its_optimizer_state_round_trip_through_a_checkpoint()
    {
        var model = new Scaled();
        var sgd = new SGD(model.Parameters(), 0.1, momentum: 0.9);
        model.Forward(Tensor.FromArray([1.0, 2.0], [2], DType.Float64)).Sum().Backward();
        sgd.Step();
        string path = PathOf("scalar.safetensors");
        Checkpoint.Save(path, model, sgd);
        var loaded = new Scaled();
        Checkpoint.Load(path, loaded, new SGD(loaded.Parameters(), 0.1, momentum: 0.9));
        Assert.Empty(loaded.T.Shape);
        Assert.Equal(model.T.Item(), loaded.T.Item());
    }

    [Fact]
    public void Trainer_resumes_from_a_checkpoint_saved_without_a_generator()
    {
        var data = TensorDataset.FromClassification(Datasets.TwoMoons(40, 0.1, seed: 1));
        var model = MLP.Create(2, [4], 2, seed: 1);
        var adam = new Adam(model.Parameters(), 0.01);
        var trainer = new Trainer(model, new CrossEntropyLoss(), adam) { BatchSize = 10, Seed = 2 };
        trainer.Fit(data, 1);
        string path = PathOf("no-rng.safetensors");
        Checkpoint.Save(path, model, adam, position: new TrainingPosition(1, 4));
        TrainingHistory rest = trainer.Fit(data, 2, resumeFrom: path);
        Assert.Equal([2], rest.Epochs.Select(e => e.Epoch));
    }

    [Fact]
    public void A_standalone_batch_norm_loads_PyTorch_s_int64_counter()
    {
        // What torch's state_dict of a bare nn.BatchNorm1d(2) holds: four F32 [2] tensors and an I64 [] counter.
        string path = PathOf("bn.safetensors");
        float[] weight = [1.5f, 0.5f], bias = [0.25f, -0.25f], mean = [0.1f, 0.2f], variance = [2f, 3f];
        var data = new List<byte>();
        var header = new StringBuilder("{");
        void Add(string name, string dtype, string shape, byte[] bytes)
        {
            header.Append($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{data.Count},{data.Count + bytes.Length}]}},");
            data.AddRange(bytes);
        }
        byte[] F(float[] v) => v.SelectMany(BitConverter.GetBytes).ToArray();
        Add("weight", "F32", "[2]", F(weight));
        Add("bias", "F32", "[2]", F(bias));
        Add("running_mean", "F32", "[2]", F(mean));
        Add("running_var", "F32", "[2]", F(variance));
        Add("num_batches_tracked", "I64", "[]", BitConverter.GetBytes(7L));
        byte[] json = Encoding.UTF8.GetBytes(header.ToString().TrimEnd(',') + "}");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data]);

        var bn = new BatchNorm1d(2);
        Safetensors.Load(bn, path);
        Assert.Equal(7.0, bn.NumBatchesTracked.Item());
        Assert.Equal(variance.Select(v => (double)v), bn.RunningVar.ToArray());
    }

    [Fact]
    public void A_float64_model_without_parameters_exports_float64_initializers()
    {
        var model = new Sequential(new BatchNorm1d(3, affine: false, dtype: DType.Float64), new ReLU());
        model.Forward(Tensor.Randn([8, 3], 1, DType.Float64));
        model.Eval();
        Tensor x = Tensor.Randn([4, 3], 2, DType.Float64);
        double[] ours = model.Forward(x).ToArray();
        using var session = new InferenceSession(OnnxExport.ToBytes(model, new OnnxExportOptions { InputFeatures = 3 }));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<double>(x.ToArray(), [4, 3]))]);
        double[] runtime = results.Single().AsTensor<double>().ToArray();
        for (int i = 0; i < ours.Length; i++) Assert.Equal(ours[i], runtime[i], 10);
    }

    [Fact]
    public void The_batch_counter_keeps_counting_past_float32_integers()
    {
        var bn = new BatchNorm1d(2);
        bn.NumBatchesTracked.Fill(16_777_216);
        bn.Forward(Tensor.Randn([4, 2], 1));
        Assert.Equal(16_777_217.0, bn.NumBatchesTracked.Item());
    }
}
