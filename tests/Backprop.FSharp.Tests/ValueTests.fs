module Backprop.FSharp.Tests.ValueTests

open System
open Xunit
open Backprop
open Backprop.Scalar

let close (expected: float) (actual: float) =
    Assert.True(abs (expected - actual) <= 1e-12 * max 1.0 (abs expected), sprintf "expected %.17g, got %.17g" expected actual)

[<Fact>]
let ``F# built-in functions work on Value through its static members`` () =
    let x = Value(0.7, "x")
    let checks : (string * Value * float * float) list =
        [ "exp", exp x, Math.Exp 0.7, Math.Exp 0.7
          "log", log x, Math.Log 0.7, 1.0 / 0.7
          "sqrt", sqrt x, Math.Sqrt 0.7, 0.5 / Math.Sqrt 0.7
          "abs", abs x, 0.7, 1.0
          "sin", sin x, Math.Sin 0.7, Math.Cos 0.7
          "cos", cos x, Math.Cos 0.7, -(Math.Sin 0.7)
          "tanh", tanh x, Math.Tanh 0.7, 1.0 - Math.Tanh 0.7 ** 2.0
          "**", x ** 3.0, 0.7 ** 3.0, 3.0 * 0.7 ** 2.0 ]
    for (name, y, value, derivative) in checks do
        x.Grad <- 0.0
        y.Backward()
        close value y.Data
        close derivative x.Grad
        Assert.False(String.IsNullOrEmpty y.Op, name)

[<Fact>]
let ``Power with a Value exponent and mixed arithmetic with floats`` () =
    let a = Value(1.5, "a")
    let b = Value(2.0, "b")
    let y = a ** b
    y.Backward()
    close (1.5 ** 2.0) y.Data
    close (2.0 * 1.5) a.Grad
    close (1.5 ** 2.0 * log 1.5) b.Grad
    let x = Value(2.0, "x")
    let f = 3.0 * x ** 2.0 + 4.0 * x - 1.0 / x + (-x) / 2.0
    f.Backward()
    close (6.0 * 2.0 + 4.0 + 1.0 / 4.0 - 0.5) x.Grad

[<Fact>]
let ``Note 003: the gradient of 3x² + 4x at 2 is 16`` () =
    let x = Value(2.0, "x")
    let f = 3.0 * x ** 2.0 + 4.0 * x
    f.Backward()
    Assert.Equal(16.0, x.Grad)

[<Fact>]
let ``GradCheck and NoGrad from F#`` () =
    let result = GradCheck.Check((fun (v: Value) -> tanh (v * v) + exp (-v)), 0.3)
    Assert.True(result.Passed(), string result)
    let w = Value.Parameter(1.0, "w")
    using (new NoGrad()) (fun _ -> Assert.True((w * 2.0).IsLeaf))

[<Fact>]
let ``A scalar MLP trains from F#`` () =
    let model = ValueMLP(1, [| 8 |], 1, Activation.Tanh, Activation.Identity, 3)
    let xs = [ -1.0; -0.5; 0.0; 0.5; 1.0 ]
    let loss () =
        xs |> List.map (fun x -> (model.Predict(x) - x * x) ** 2.0) |> Value.Sum
    let first = (loss ()).Data
    for _ in 1 .. 200 do
        let l = loss ()
        model.ZeroGrad()
        l.Backward()
        model.Step 0.05
    Assert.True((loss ()).Data < first / 4.0, sprintf "loss %g -> %g" first (loss ()).Data)

[<Fact>]
let ``F# built-in functions work on Tensor through its static members`` () =
    let x = Tensor.FromArray([| 0.7; -1.2 |])
    x.RequiresGrad <- true
    let y : Tensor = sin x + cos x + exp x + tanh x
    y.Sum().Backward()
    let v = [| 0.7; -1.2 |]
    let values = y.ToArray()
    let grads = x.Grad.ToArray()
    for i in 0 .. 1 do
        close (Math.Sin v.[i] + Math.Cos v.[i] + Math.Exp v.[i] + Math.Tanh v.[i]) values.[i]
        Assert.True(abs (Math.Cos v.[i] - Math.Sin v.[i] + Math.Exp v.[i] + 1.0 - Math.Tanh v.[i] ** 2.0 - grads.[i]) <= 1e-12)
