global using Backprop;
