using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Marketplace.Platform.Tests;

/// <summary>A host built with the service defaults needs a public key to check tokens with; these tests make no token.</summary>
public static class TestKeys
{
    public static void AddThrowawayPublicKey(IConfiguration configuration)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        configuration["Auth:PublicKeys:0:Id"] = "test";
        configuration["Auth:PublicKeys:0:Key"] = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }
}
